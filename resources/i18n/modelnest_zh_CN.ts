<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CatalogueTableModel</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File size (≈ estimate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed (predicted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>License</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits on GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partly on GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs on CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimate from the parameter count and the quantization&apos;s bits per weight; refresh the catalogue from the hub for the real size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted decode speed on this computer, based on {0} calibration run(s).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CatalogueView</name>
    <message>
        <source>Model catalogue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh from the hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Curated models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by name, e.g. qwen coder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits fully</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fits partially</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloaded only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chinese (中文)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>English</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>French</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>German</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any license</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Popularity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search every GGUF repository on the hub, e.g. qwen2.5 7b</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Speed (predicted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check fit (reads the file header only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bundled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot of {0} ({1}) · planned for a {2}-token context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking this computer and planning every model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not plan the models: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh failed: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refreshed {0} of {1} entries from the hub.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit badges need the planner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refreshing the catalogue from the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit badges and speed need the planner, which this build lacks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recommendation for this computer: no model fits fully at a usable speed. Try the smallest models, or untick the filters to see partial fits.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recommended for this computer: &lt;b&gt;{0}&lt;/b&gt; at {1} · {2} · needs {3} · {4} predicted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model in the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chinese-capable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} · {1} parameters · license {2} · {3}{4}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, sliding window {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} layers, embedding {2}, heads/KV heads {3}, vocabulary {4}, trained context {5}{6}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (on disk)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>≈ {0} (estimate from parameter count; refresh for the real size)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown (needs the planner)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} on the GPU, {1} in RAM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all in RAM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} ({1}) at {2} tokens of context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>based on {0} calibration run(s) on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not yet calibrated on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} predicted ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Download {0} {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type what to look for first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the files of {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a quantization first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the header of {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}  ({1} downloads)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} GGUF repositories found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No GGUF repositories match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} (incomplete)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} models by quantization. Select one and check its fit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Header read ({0}); fit needs the planner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read {0} of the file&apos;s header: needs {1} at {2} tokens of context.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>Your chat history file was damaged and could not be opened. It was set aside as {0} and a new history was started; {1} conversation(s) could still be read and were copied into it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your settings could not be read completely; defaults are used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} reply(s) were interrupted when ModelNest last stopped; they are marked and can be retried.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search titles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Editing your last message: Send replaces it and everything after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a message (Ctrl+Enter sends)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A reply is being written. Stop it before switching conversations.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A reply is being written. Stop it before starting a new chat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A title cannot be empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A reply is being written in this conversation. Stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this conversation and all its messages?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model file first (or put .gguf files in {0}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} · context {1} · llama.cpp allocated {2} (weights {3}, KV cache {4}, compute {5}) · loaded in {6:.2f} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model could not be loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What to try: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the engine wrote nothing to its log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a model first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.1f} tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first token {0:.0f} ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>– tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped; the partial reply was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model loaded (the engine stopped).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engine stopped while writing the reply. Every message was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message could not be sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply could not be saved yet: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied {0} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first token –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0 tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>temperature –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>load –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU {0:.0f} °C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU load {0:.0f} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU load n/a</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU {0:.0f} °C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU temperature n/a ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU load {0:.0f} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU load n/a</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interrupted: the engine stopped before this reply was finished.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first token {0:.0f} ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prompt {0:.1f} t/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>generation {0:.1f} t/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>temp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>repeat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>max</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ctx</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DownloadsPanel</name>
    <message>
        <source>Downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No downloads yet. Choose a model in the catalogue and press Download.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unfinished downloads from an earlier session</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HardwareCard</name>
    <message>
        <source>This computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking at your hardware…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory and storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Graphics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live (updated every second)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy this card as plain text, e.g. to ask for help on a forum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure memory speed again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not detected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.1f} GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not detected ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected in {0:.0f} ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} cores, {1} threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} ({1} performance + {2} efficiency)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instruction sets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used by the engine</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} total, {1} available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(container limit; the computer has {0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RAM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} free in {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:g} GB/s — {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none found; models run on the processor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shares system memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unified memory: up to {0} for the GPU, {1} free now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} VRAM, {1} free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>driver {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CUDA {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>compute {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no tensor cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} GPU cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough is known about this computer to estimate what it can run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} GPU ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}B models at 4-bit fully on the GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only small models fully on the GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} of unified memory for the GPU ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}B models at 4-bit on the GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only small models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No usable GPU, {0} RAM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}B models at 4-bit on the processor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; {0}B partly offloaded to system memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>. A 7B model: about {0:g} tokens/s (predicted)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimate from the planner: reference models at 4-bit (Q4_K_M), 4096-token context, file sizes estimated from parameter counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not available on this system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.0f} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> at {0:.0f} MHz</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processor load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.0f} °C</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>thermal state: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processor temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} of {1} in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.0f} % busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.0f} W</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} MHz</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slowed down: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running hot and slowing down: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring memory speed…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ModelNest hardware card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>ModelNest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About ModelNest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ModelNest will use the new language the next time it starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About ModelNest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ModelNest runs language models on your own computer with llama.cpp. Every figure it shows is measured, or derived and labelled as a prediction.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemoryBar</name>
    <message>
        <source>Full GPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partial GPU offload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GPU memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RAM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs {need} of {where}; {free} free to use · context {ctx} tokens · {layers} GPU layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{cw}&apos;&gt;■&lt;/span&gt; weights {w} &amp;nbsp; &lt;span style=&apos;color:{ck}&apos;&gt;■&lt;/span&gt; KV cache {k} &amp;nbsp; &lt;span style=&apos;color:{cc}&apos;&gt;■&lt;/span&gt; compute {c} &amp;nbsp; ┆ free</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>based on {n} measured runs on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not yet calibrated on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted: {low:.1f}–{high:.1f} tokens/s ({runs})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>measured: {v:.1f} tokens/s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF files in your models folder, and files you chose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional instructions for the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>random</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a model file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_Banner</name>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_JobRow</name>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: verified and installed in the models folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; the partial file was deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused at {0}; resume continues from there, also after a restart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up the files on the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking disk space and files already on disk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verifying the checksum…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection problem, retrying: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} of {1} · {2}/s · {3} left{4}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_PartialRow</name>
    <message>
        <source>unknown size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} ({1} of {2} on disk)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>being downloaded by another ModelNest process</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>This computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Models</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
