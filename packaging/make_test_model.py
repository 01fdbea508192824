"""Write the tiny random Q4_K_M model the frozen app's self-test loads (needs the `test` extra: gguf, llama_cpp).

    python packaging/make_test_model.py build/tiny-Q4_K_M.gguf
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.gguf_models import quantize, write_model


def main() -> int:
    out = Path(sys.argv[1]).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    quantize(write_model(out.with_name(out.stem + "-F16.gguf")), out, "Q4_K_M")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
