"""Core's one wording of a reply's stats line, the stored error of a failed reply, and the sampling conversion."""

from __future__ import annotations

from dataclasses import fields

from modelnest.core.chat.sampling import engine_sampling
from modelnest.core.chat.settings import SamplingSettings
from modelnest.core.chat.stats import reply_error, reply_stats_line
from modelnest.core.engine.params import SamplingParams
from modelnest.core.messages import Message, msg

STATS = {
    "completion_tokens": 60, "ttft_s": 0.0814, "prefill_tokens_per_s": 49.84, "decode_tokens_per_s": 13.62,
    "settings": {"temperature": 0.8, "top_p": 0.95, "top_k": 40, "repeat_penalty": 1.1, "max_tokens": 60,
                 "seed": -1, "n_ctx": 4096, "ignore_eos": True},
    "model": "tiny-chat-F16.gguf",
}


def test_the_stats_line_in_english() -> None:
    assert str(reply_stats_line(STATS)) == (
        "60 tokens · first token 81 ms · prompt 49.8 t/s · generation 13.6 t/s · temp 0.8, top-p 0.95, top-k 40, "
        "repeat 1.1, max 60, seed -1, ctx 4096 · tiny-chat-F16.gguf")


def test_every_word_and_separator_of_the_line_is_translatable() -> None:
    zh = {"{n} tokens": "{n} 个词元", "first token {ms:.0f} ms": "首个词元 {ms:.0f} 毫秒",
          "{head}, {tail}": "{head}，{tail}", "temp {value}": "温度 {value}"}
    line = reply_stats_line(STATS)
    assert isinstance(line, Message)
    rendered = line.render(lambda template: zh.get(template, template))
    assert rendered.startswith("60 个词元 · 首个词元 81 毫秒 · ") and "温度 0.8，top-p 0.95，top-k 40" in rendered
    assert rendered.endswith(" · tiny-chat-F16.gguf")  # a file name stays as it is


def test_missing_or_malformed_figures_are_left_out() -> None:
    assert reply_stats_line({}) is None
    assert str(reply_stats_line({"model": "m.gguf"})) == "m.gguf"
    odd = {"completion_tokens": True, "ttft_s": "fast", "decode_tokens_per_s": 5, "settings": {"seed": 3}}
    assert str(reply_stats_line(odd)) == "generation 5.0 t/s · seed 3"


def test_a_failed_reply_shows_the_stored_message_else_the_english_text() -> None:
    stored = msg("The engine crashed (exit code {code}).", code=-11)
    assert reply_error({"error": "English", "error_message": stored.to_json()}) == stored
    assert reply_error({"error": "English", "error_message": {"not": "a message"}}) == "English"
    assert reply_error({"error": ""}) is None and reply_error({}) is None


def test_saved_sampling_settings_convert_to_the_engine_parameters() -> None:
    settings = SamplingSettings(temperature=0.3, top_p=0.5, top_k=7, repeat_penalty=1.3, max_tokens=99, seed=42)
    params = engine_sampling(settings)
    for f in fields(SamplingSettings):
        assert getattr(params, f.name) == getattr(settings, f.name), f.name
    engine = SamplingParams()
    assert (params.min_p, params.repeat_last_n, params.ignore_eos) == (engine.min_p, engine.repeat_last_n, False)
    assert engine_sampling(settings, ignore_eos=True).ignore_eos
    # The defaults agree: a new user's settings give the engine's own defaults.
    assert engine_sampling(SamplingSettings()) == SamplingParams()
