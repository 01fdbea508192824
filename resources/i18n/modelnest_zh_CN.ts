<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CatalogueTableModel</name>
    <message>
        <source>chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>vision</source>
        <translation>视觉</translation>
    </message>
    <message>
        <source>, </source>
        <comment>separator of a list of task names</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>File size (≈ estimate)</source>
        <translation>文件大小（≈ 估算）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适配</translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <source>Speed (predicted)</source>
        <translation>速度（预测）</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>License</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Fits on GPU</source>
        <translation>完全在 GPU</translation>
    </message>
    <message>
        <source>Partly on GPU</source>
        <translation>部分卸载到 GPU</translation>
    </message>
    <message>
        <source>Runs on CPU</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Estimate from the parameter count and the quantization&apos;s bits per weight; refresh the catalogue from the hub for the real size.</source>
        <translation>根据参数量和量化的每权重位数估算；从 Hub 刷新模型目录可获得实际大小。</translation>
    </message>
    <message>
        <source>Predicted decode speed on this computer, based on {0} calibration run(s).</source>
        <translation>本机的预测生成速度，基于 {0} 次校准运行。</translation>
    </message>
</context>
<context>
    <name>CatalogueView</name>
    <message>
        <source>very large quality loss; only for machines that can fit nothing larger</source>
        <translation>质量损失很大；仅适合放不下更大模型的机器</translation>
    </message>
    <message>
        <source>large quality loss; a last resort when nothing larger fits</source>
        <translation>质量损失较大；放不下更大模型时的最后选择</translation>
    </message>
    <message>
        <source>noticeable quality loss</source>
        <translation>质量损失明显</translation>
    </message>
    <message>
        <source>noticeable quality loss, a bit less than Q3_K_M</source>
        <translation>质量损失明显，比 Q3_K_M 略小</translation>
    </message>
    <message>
        <source>noticeable quality loss; fine for casual chat</source>
        <translation>质量损失明显；日常闲聊够用</translation>
    </message>
    <message>
        <source>some quality loss</source>
        <translation>有一定质量损失</translation>
    </message>
    <message>
        <source>small quality loss, smaller than Q4_K_M</source>
        <translation>质量损失小，文件比 Q4_K_M 小</translation>
    </message>
    <message>
        <source>older 4-bit format; a little worse than Q4_K_M, fast on CPUs</source>
        <translation>较旧的 4 位格式；比 Q4_K_M 稍差，在 CPU 上速度快</translation>
    </message>
    <message>
        <source>small quality loss</source>
        <translation>质量损失小</translation>
    </message>
    <message>
        <source>small quality loss; the usual balance of size and quality</source>
        <translation>质量损失小；大小与质量的常用平衡点</translation>
    </message>
    <message>
        <source>very small quality loss (older format)</source>
        <translation>质量损失很小（较旧格式）</translation>
    </message>
    <message>
        <source>very small quality loss</source>
        <translation>质量损失很小</translation>
    </message>
    <message>
        <source>almost indistinguishable from the original</source>
        <translation>与原始模型几乎无差别</translation>
    </message>
    <message>
        <source>practically lossless; about twice the size of Q4</source>
        <translation>几乎无损；大小约为 Q4 的两倍</translation>
    </message>
    <message>
        <source>original weights; largest and slowest</source>
        <translation>原始权重；最大也最慢</translation>
    </message>
    <message>
        <source>full precision; rarely worth it for running a model</source>
        <translation>全精度；运行模型时很少值得使用</translation>
    </message>
    <message>
        <source>Model catalogue</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <source>Refresh from the hub</source>
        <translation>从 Hub 刷新</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>The highest-quality model and quantization (bigger model first, then less lossy quantization) that fits entirely in this computer&apos;s memory — fully on the GPU when there is one, else in RAM — and is predicted to generate at least {0} tokens/s at a {1}-token context.</source>
        <translation>能完全放入本机内存（有 GPU 时完全放入 GPU，否则放入内存），且在 {1} token 上下文下预测生成速度不低于 {0} tokens/s 的质量最高的模型与量化（先选更大的模型，再选损失更小的量化）。</translation>
    </message>
    <message>
        <source>Rule: {0}</source>
        <translation>规则：{0}</translation>
    </message>
    <message>
        <source>Curated models</source>
        <translation>精选模型</translation>
    </message>
    <message>
        <source>Search the hub</source>
        <translation>搜索 Hub</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>本机模型</translation>
    </message>
    <message>
        <source>Filter by name, e.g. qwen coder</source>
        <translation>按名称筛选，例如 qwen coder</translation>
    </message>
    <message>
        <source>Fits fully</source>
        <translation>完全适配</translation>
    </message>
    <message>
        <source>Fits partially</source>
        <translation>部分适配</translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <source>Show too large</source>
        <translation>显示太大的模型</translation>
    </message>
    <message>
        <source>Downloaded only</source>
        <translation>仅已下载</translation>
    </message>
    <message>
        <source>Any task</source>
        <translation>所有任务</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>Vision</source>
        <translation>视觉</translation>
    </message>
    <message>
        <source>Any language</source>
        <translation>所有语言</translation>
    </message>
    <message>
        <source>Chinese (中文)</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <source>Any license</source>
        <translation>所有许可证</translation>
    </message>
    <message>
        <source>Popularity</source>
        <translation>热度</translation>
    </message>
    <message>
        <source>Predicted speed</source>
        <translation>预测速度</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序</translation>
    </message>
    <message>
        <source>Selected model</source>
        <translation>所选模型</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适配</translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>文件大小</translation>
    </message>
    <message>
        <source>Search every GGUF repository on the hub, e.g. qwen2.5 7b</source>
        <translation>在 Hub 上搜索所有 GGUF 仓库，例如 qwen2.5 7b</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>分卷</translation>
    </message>
    <message>
        <source>Speed (predicted)</source>
        <translation>速度（预测）</translation>
    </message>
    <message>
        <source>Check fit (reads the file header only)</source>
        <translation>检查适配（只读取文件头）</translation>
    </message>
    <message>
        <source>Press Scan to look for GGUF models already on this computer.</source>
        <translation>点击“扫描”查找本机已有的 GGUF 模型。</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Found in</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Models are used where they are: nothing is copied or downloaded again. Searched: the ModelNest models folder, the Hugging Face cache, LM Studio, GPT4All, Ollama, and folders you add. Each file is checked before it is listed as runnable.</source>
        <translation>模型在原位置使用，不会复制或重新下载。搜索范围：ModelNest 模型文件夹、Hugging Face 缓存、LM Studio、GPT4All、Ollama，以及你添加的文件夹。每个文件都会先经过检查，再标为可运行。</translation>
    </message>
    <message>
        <source>Looking for models on this computer…</source>
        <translation>正在查找本机上的模型…</translation>
    </message>
    <message>
        <source>Add a folder with GGUF models</source>
        <translation>添加包含 GGUF 模型的文件夹</translation>
    </message>
    <message>
        <source>added folder</source>
        <translation>已添加的文件夹</translation>
    </message>
    <message>
        <source>Not runnable: {0}</source>
        <translation>无法运行：{0}</translation>
    </message>
    <message>
        <source>Runnable</source>
        <translation>可运行</translation>
    </message>
    <message>
        <source>{0} models found, {1} runnable.</source>
        <translation>找到 {0} 个模型，其中 {1} 个可运行。</translation>
    </message>
    <message>
        <source>No GGUF models found on this computer.</source>
        <translation>本机上没有找到 GGUF 模型。</translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Snapshot of {0} ({1}) · planned for a {2}-token context</source>
        <translation>{0} 的快照（{1}）· 按 {2} token 上下文规划</translation>
    </message>
    <message>
        <source>Checking this computer and planning every model…</source>
        <translation>正在检测本机并为每个模型做规划…</translation>
    </message>
    <message>
        <source>Could not plan the models: {0}</source>
        <translation>无法规划模型：{0}</translation>
    </message>
    <message>
        <source>Refresh failed: {0}</source>
        <translation>刷新失败：{0}</translation>
    </message>
    <message>
        <source>Refreshed {0} of {1} entries from the hub.</source>
        <translation>已从 Hub 刷新 {1} 个条目中的 {0} 个。</translation>
    </message>
    <message>
        <source>Scan failed: {0}</source>
        <translation>扫描失败：{0}</translation>
    </message>
    <message>
        <source>Fit badges need the planner.</source>
        <translation>适配标记需要规划器。</translation>
    </message>
    <message>
        <source>Refreshing the catalogue from the hub…</source>
        <translation>正在从 Hub 刷新模型目录…</translation>
    </message>
    <message>
        <source>Fit badges and speed need the planner, which this build lacks.</source>
        <translation>适配标记和速度需要规划器，但此版本不包含规划器。</translation>
    </message>
    <message>
        <source>No recommendation for this computer: no model fits fully at a usable speed. Try the smallest models, or untick the filters to see partial fits.</source>
        <translation>没有适合本机的推荐：没有模型能以可用的速度完全放入。可以试试最小的模型，或取消勾选筛选条件以查看部分适配的模型。</translation>
    </message>
    <message>
        <source>Recommended for this computer: &lt;b&gt;{0}&lt;/b&gt; at {1} · {2} · needs {3} · {4} predicted</source>
        <translation>本机推荐：&lt;b&gt;{0}&lt;/b&gt;（{1}）· {2} · 需要 {3} · 预测 {4}</translation>
    </message>
    <message>
        <source>Choose a model in the list.</source>
        <translation>请在列表中选择一个模型。</translation>
    </message>
    <message>
        <source>Chinese-capable</source>
        <translation>支持中文</translation>
    </message>
    <message>
        <source>{0} · {1} parameters · license {2} · {3}{4}</source>
        <translation>{0} · {1} 参数 · 许可证 {2} · {3}{4}</translation>
    </message>
    <message>
        <source>, sliding window {0}</source>
        <translation>，滑动窗口 {0}</translation>
    </message>
    <message>
        <source>{0}: {1} layers, embedding {2}, heads/KV heads {3}, vocabulary {4}, trained context {5}{6}</source>
        <translation>{0}：{1} 层，嵌入维度 {2}，注意力头/KV 头 {3}，词表 {4}，训练上下文 {5}{6}</translation>
    </message>
    <message>
        <source> (on disk)</source>
        <translation>（已下载）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>≈ {0} (estimate from parameter count; refresh for the real size)</source>
        <translation>≈ {0}（按参数量估算；刷新可获得实际大小）</translation>
    </message>
    <message>
        <source>unknown (needs the planner)</source>
        <translation>未知（需要规划器）</translation>
    </message>
    <message>
        <source>{0} on the GPU, {1} in RAM</source>
        <translation>GPU 上 {0}，内存中 {1}</translation>
    </message>
    <message>
        <source>all in RAM</source>
        <translation>全部在内存中</translation>
    </message>
    <message>
        <source>{0} ({1}) at {2} tokens of context</source>
        <translation>{0}（{1}），上下文 {2} token</translation>
    </message>
    <message>
        <source>based on {0} calibration run(s) on this computer</source>
        <translation>基于本机 {0} 次校准运行</translation>
    </message>
    <message>
        <source>not yet calibrated on this computer</source>
        <translation>本机尚未校准</translation>
    </message>
    <message>
        <source>{0} predicted ({1})</source>
        <translation>预测 {0}（{1}）</translation>
    </message>
    <message>
        <source>Download {0} {1}</source>
        <translation>下载 {0} {1}</translation>
    </message>
    <message>
        <source>Type what to look for first.</source>
        <translation>请先输入要查找的内容。</translation>
    </message>
    <message>
        <source>Searching the hub…</source>
        <translation>正在搜索 Hub…</translation>
    </message>
    <message>
        <source>Listing the files of {0}…</source>
        <translation>正在列出 {0} 的文件…</translation>
    </message>
    <message>
        <source>Choose a quantization first.</source>
        <translation>请先选择一个量化版本。</translation>
    </message>
    <message>
        <source>Reading the header of {0}…</source>
        <translation>正在读取 {0} 的文件头…</translation>
    </message>
    <message>
        <source>{0}  ({1} downloads)</source>
        <translation>{0}（{1} 次下载）</translation>
    </message>
    <message>
        <source>gated: accept its license on the hub and set a token first</source>
        <translation>受限仓库：请先在 Hub 上接受其许可证并设置访问令牌</translation>
    </message>
    <message>
        <source>{0} GGUF repositories found.</source>
        <translation>找到 {0} 个 GGUF 仓库。</translation>
    </message>
    <message>
        <source>No GGUF repositories match.</source>
        <translation>没有匹配的 GGUF 仓库。</translation>
    </message>
    <message>
        <source>{0} (incomplete)</source>
        <translation>{0}（不完整）</translation>
    </message>
    <message>
        <source>{0}: {1} models by quantization. Select one and check its fit.</source>
        <translation>{0}：按量化分为 {1} 个模型。选择一个并检查适配。</translation>
    </message>
    <message>
        <source>Header read ({0}); fit needs the planner.</source>
        <translation>已读取文件头（{0}）；适配需要规划器。</translation>
    </message>
    <message>
        <source>Read {0} of the file&apos;s header: needs {1} at {2} tokens of context.</source>
        <translation>已读取文件头 {0}：上下文 {2} token 时需要 {1}。</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>Your chat history file was damaged and could not be opened. It was set aside as {0} and a new history was started; {1} conversation(s) could still be read and were copied into it.</source>
        <translation>聊天记录文件已损坏，无法打开。原文件已另存为 {0}，并新建了聊天记录；仍可读取的 {1} 个对话已复制到新记录中。</translation>
    </message>
    <message>
        <source>Your chat history could not be opened, so chats in this session will not be kept after ModelNest closes.</source>
        <translation>无法打开聊天记录，本次会话中的聊天在 ModelNest 关闭后不会保留。</translation>
    </message>
    <message>
        <source>Your settings could not be read completely; defaults are used.</source>
        <translation>设置未能完整读取，已使用默认值。</translation>
    </message>
    <message>
        <source>{0} reply(s) were interrupted when ModelNest last stopped; they are marked and can be retried.</source>
        <translation>ModelNest 上次停止时有 {0} 条回复被中断；它们已被标记，可以重试。</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新建聊天</translation>
    </message>
    <message>
        <source>Search titles</source>
        <translation>搜索标题</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Editing your last message: Send replaces it and everything after it.</source>
        <translation>正在编辑你的最后一条消息：发送后将替换它及其之后的全部内容。</translation>
    </message>
    <message>
        <source>Type a message (Ctrl+Enter sends)</source>
        <translation>输入消息（Ctrl+Enter 发送）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Cancel edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>A reply is being written. Stop it before switching conversations.</source>
        <translation>正在生成回复。请先停止，再切换对话。</translation>
    </message>
    <message>
        <source>A reply is being written. Stop it before starting a new chat.</source>
        <translation>正在生成回复。请先停止，再新建聊天。</translation>
    </message>
    <message>
        <source>A title cannot be empty.</source>
        <translation>标题不能为空。</translation>
    </message>
    <message>
        <source>A reply is being written in this conversation. Stop it first.</source>
        <translation>此对话正在生成回复。请先停止。</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>Delete this conversation and all its messages?</source>
        <translation>删除此对话及其所有消息？</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Choose a model file first (or put .gguf files in {0}).</source>
        <translation>请先选择模型文件（或将 .gguf 文件放入 {0}）。</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>{0} · context {1} · llama.cpp allocated {2} (weights {3}, KV cache {4}, compute {5}) · loaded in {6:.2f} s</source>
        <translation>{0} · 上下文 {1} · llama.cpp 已分配 {2}（权重 {3}，KV 缓存 {4}，计算 {5}）· 加载用时 {6:.2f} 秒</translation>
    </message>
    <message>
        <source>The model could not be loaded.</source>
        <translation>无法加载模型。</translation>
    </message>
    <message>
        <source>What to try: {0}</source>
        <translation>可以尝试：{0}</translation>
    </message>
    <message>
        <source>(the engine wrote nothing to its log)</source>
        <translation>（引擎没有写入任何日志）</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <source>{0:.1f} tokens/s</source>
        <translation>{0:.1f} tokens/s</translation>
    </message>
    <message>
        <source>first token {0:.0f} ms</source>
        <translation>首 token {0:.0f} ms</translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation>{0} tokens</translation>
    </message>
    <message>
        <source>– tokens/s</source>
        <translation>– tokens/s</translation>
    </message>
    <message>
        <source>Stopped; the partial reply was kept.</source>
        <translation>已停止；已保留部分回复。</translation>
    </message>
    <message>
        <source>No model loaded (the engine stopped).</source>
        <translation>未加载模型（引擎已停止）。</translation>
    </message>
    <message>
        <source>The engine stopped while writing the reply. Every message was kept.</source>
        <translation>引擎在生成回复时停止了。所有消息均已保留。</translation>
    </message>
    <message>
        <source>The message could not be sent.</source>
        <translation>消息无法发送。</translation>
    </message>
    <message>
        <source>The reply could not be saved yet: {0}</source>
        <translation>回复暂时无法保存：{0}</translation>
    </message>
    <message>
        <source>Copied {0} characters.</source>
        <translation>已复制 {0} 个字符。</translation>
    </message>
    <message>
        <source>first token –</source>
        <translation>首 token –</translation>
    </message>
    <message>
        <source>0 tokens</source>
        <translation>0 tokens</translation>
    </message>
    <message>
        <source>temperature –</source>
        <translation>温度 –</translation>
    </message>
    <message>
        <source>load –</source>
        <translation>负载 –</translation>
    </message>
    <message>
        <source>Your computer is slowing down to cool off ({0}); replies will be slower.</source>
        <translation>你的电脑正在降频散热（{0}）；回复会变慢。</translation>
    </message>
    <message>
        <source>GPU {0:.0f} °C</source>
        <translation>GPU {0:.0f} °C</translation>
    </message>
    <message>
        <source>GPU load {0:.0f} %</source>
        <translation>GPU 负载 {0:.0f} %</translation>
    </message>
    <message>
        <source>GPU load n/a</source>
        <translation>GPU 负载不可用</translation>
    </message>
    <message>
        <source>CPU {0:.0f} °C</source>
        <translation>CPU {0:.0f} °C</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <source>CPU temperature n/a</source>
        <translation>CPU 温度不可用</translation>
    </message>
    <message>
        <source>CPU load {0:.0f} %</source>
        <translation>CPU 负载 {0:.0f} %</translation>
    </message>
    <message>
        <source>CPU load n/a</source>
        <translation>CPU 负载不可用</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Interrupted: the engine stopped before this reply was finished.</source>
        <translation>已中断：引擎在此回复完成前停止了。</translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <source>Error.</source>
        <translation>错误。</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation>{0} tokens</translation>
    </message>
    <message>
        <source>first token {0:.0f} ms</source>
        <translation>首 token {0:.0f} ms</translation>
    </message>
    <message>
        <source>prompt {0:.1f} t/s</source>
        <translation>提示词处理 {0:.1f} t/s</translation>
    </message>
    <message>
        <source>generation {0:.1f} t/s</source>
        <translation>生成 {0:.1f} t/s</translation>
    </message>
    <message>
        <source>temp</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>repeat</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大 token</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>ctx</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
</context>
<context>
    <name>DownloadsPanel</name>
    <message>
        <source>Unexpected error: {0}: {1}</source>
        <translation>意外错误：{0}：{1}</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>No downloads yet. Choose a model in the catalogue and press Download.</source>
        <translation>还没有下载任务。在模型目录中选择一个模型并点击“下载”。</translation>
    </message>
    <message>
        <source>Unfinished downloads from an earlier session</source>
        <translation>上次未完成的下载</translation>
    </message>
</context>
<context>
    <name>HardwareCard</name>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Looking at your hardware…</source>
        <translation>正在检测你的硬件…</translation>
    </message>
    <message>
        <source>Processor</source>
        <translation>处理器</translation>
    </message>
    <message>
        <source>Memory and storage</source>
        <translation>内存与存储</translation>
    </message>
    <message>
        <source>Graphics</source>
        <translation>显卡</translation>
    </message>
    <message>
        <source>Live (updated every second)</source>
        <translation>实时（每秒更新）</translation>
    </message>
    <message>
        <source>Copy as text</source>
        <translation>复制为文本</translation>
    </message>
    <message>
        <source>Copy this card as plain text, e.g. to ask for help on a forum</source>
        <translation>将此卡片复制为纯文本，例如用于在论坛上求助</translation>
    </message>
    <message>
        <source>Measure memory speed again</source>
        <translation>重新测量内存速度</translation>
    </message>
    <message>
        <source>not detected</source>
        <translation>未检测到</translation>
    </message>
    <message>
        <source>{0:.1f} GB</source>
        <translation>{0:.1f} GB</translation>
    </message>
    <message>
        <source>not detected ({0})</source>
        <translation>未检测到（{0}）</translation>
    </message>
    <message>
        <source>Detected in {0:.0f} ms</source>
        <translation>检测用时 {0:.0f} ms</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>{0} cores, {1} threads</source>
        <translation>{0} 核心，{1} 线程</translation>
    </message>
    <message>
        <source>{0} ({1} performance + {2} efficiency)</source>
        <translation>{0}（{1} 性能核 + {2} 能效核）</translation>
    </message>
    <message>
        <source>Cores</source>
        <translation>核心</translation>
    </message>
    <message>
        <source>Instruction sets</source>
        <translation>指令集</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Used by the engine</source>
        <translation>引擎使用</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>{0} total, {1} available</source>
        <translation>共 {0}，可用 {1}</translation>
    </message>
    <message>
        <source>(container limit; the computer has {0})</source>
        <translation>（容器限制；整机共 {0}）</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Swap</source>
        <translation>交换空间</translation>
    </message>
    <message>
        <source>Memory speed</source>
        <translation>内存速度</translation>
    </message>
    <message>
        <source>{0} free in {1}</source>
        <translation>{1} 剩余 {0}</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>存储</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>{0:g} GB/s — {1}</source>
        <translation>{0:g} GB/s — {1}</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>none found; models run on the processor</source>
        <translation>未找到；模型将在处理器上运行</translation>
    </message>
    <message>
        <source>shares system memory</source>
        <translation>与系统共享内存</translation>
    </message>
    <message>
        <source>unified memory: up to {0} for the GPU, {1} free now</source>
        <translation>统一内存：GPU 最多可用 {0}，当前空闲 {1}</translation>
    </message>
    <message>
        <source>{0} VRAM, {1} free</source>
        <translation>显存 {0}，空闲 {1}</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>GPU {0}</source>
        <translation>GPU {0}</translation>
    </message>
    <message>
        <source>driver {0}</source>
        <translation>驱动 {0}</translation>
    </message>
    <message>
        <source>CUDA {0}</source>
        <translation>CUDA {0}</translation>
    </message>
    <message>
        <source>compute {0}</source>
        <translation>计算能力 {0}</translation>
    </message>
    <message>
        <source>no tensor cores</source>
        <translation>无 Tensor Core</translation>
    </message>
    <message>
        <source>{0} GPU cores</source>
        <translation>{0} 个 GPU 核心</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Not enough is known about this computer to estimate what it can run.</source>
        <translation>对本机了解不足，无法估算能运行哪些模型。</translation>
    </message>
    <message>
        <source>{0} GPU ({1})</source>
        <translation>{0} GPU（{1}）</translation>
    </message>
    <message>
        <source>{0}B models at 4-bit fully on the GPU</source>
        <translation>4 位量化的 {0}B 模型可完全在 GPU 上运行</translation>
    </message>
    <message>
        <source>only small models fully on the GPU</source>
        <translation>只有小模型能完全在 GPU 上运行</translation>
    </message>
    <message>
        <source>{0} of unified memory for the GPU ({1})</source>
        <translation>GPU 可用 {0} 统一内存（{1}）</translation>
    </message>
    <message>
        <source>{0}B models at 4-bit on the GPU</source>
        <translation>4 位量化的 {0}B 模型可在 GPU 上运行</translation>
    </message>
    <message>
        <source>only small models</source>
        <translation>只能运行小模型</translation>
    </message>
    <message>
        <source>No usable GPU, {0} RAM</source>
        <translation>无可用 GPU，内存 {0}</translation>
    </message>
    <message>
        <source>{0}B models at 4-bit on the processor</source>
        <translation>4 位量化的 {0}B 模型可在处理器上运行</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>; {0}B partly offloaded to system memory</source>
        <translation>；{0}B 模型可部分放在系统内存中</translation>
    </message>
    <message>
        <source>. A 7B model: about {0:g} tokens/s (predicted)</source>
        <translation>。7B 模型：约 {0:g} tokens/s（预测）</translation>
    </message>
    <message>
        <source>.</source>
        <comment>end of the estimate sentence</comment>
        <translation>。</translation>
    </message>
    <message>
        <source>Estimate from the planner: reference models at 4-bit (Q4_K_M), 4096-token context, file sizes estimated from parameter counts</source>
        <translation>规划器的估算：参考模型为 4 位量化（Q4_K_M），4096 token 上下文，文件大小按参数量估算</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>估算</translation>
    </message>
    <message>
        <source>not available on this system</source>
        <translation>此系统上不可用</translation>
    </message>
    <message>
        <source>{0:.0f} %</source>
        <translation>{0:.0f} %</translation>
    </message>
    <message>
        <source> at {0:.0f} MHz</source>
        <translation>，{0:.0f} MHz</translation>
    </message>
    <message>
        <source>Processor load</source>
        <translation>处理器负载</translation>
    </message>
    <message>
        <source>{0:.0f} °C</source>
        <translation>{0:.0f} °C</translation>
    </message>
    <message>
        <source>thermal state: {0}</source>
        <translation>热状态：{0}</translation>
    </message>
    <message>
        <source>Processor temperature</source>
        <translation>处理器温度</translation>
    </message>
    <message>
        <source>{0} of {1} in use</source>
        <translation>已用 {0} / {1}</translation>
    </message>
    <message>
        <source>{0:.0f} % busy</source>
        <translation>占用 {0:.0f} %</translation>
    </message>
    <message>
        <source>{0} used</source>
        <translation>已用 {0}</translation>
    </message>
    <message>
        <source>{0:.0f} W</source>
        <translation>{0:.0f} W</translation>
    </message>
    <message>
        <source>{0} MHz</source>
        <translation>{0} MHz</translation>
    </message>
    <message>
        <source>slowed down: {0}</source>
        <translation>已降频：{0}</translation>
    </message>
    <message>
        <source>running hot and slowing down: {0}</source>
        <translation>温度过高，正在降频：{0}</translation>
    </message>
    <message>
        <source>Measuring memory speed…</source>
        <translation>正在测量内存速度…</translation>
    </message>
    <message>
        <source>ModelNest hardware card</source>
        <translation>ModelNest 硬件信息卡</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>ModelNest</source>
        <translation>ModelNest</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About ModelNest</source>
        <translation>关于 ModelNest(&amp;A)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>ModelNest will use the new language the next time it starts.</source>
        <translation>ModelNest 将在下次启动时使用新的语言。</translation>
    </message>
    <message>
        <source>About ModelNest</source>
        <translation>关于 ModelNest</translation>
    </message>
    <message>
        <source>ModelNest runs language models on your own computer with llama.cpp. Every figure it shows is measured, or derived and labelled as a prediction.</source>
        <translation>ModelNest 使用 llama.cpp 在你自己的电脑上运行语言模型。它显示的每个数字要么是实测的，要么是推算得出并标注为预测的。</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
</context>
<context>
    <name>MemoryBar</name>
    <message>
        <source>Full GPU</source>
        <translation>完全在 GPU</translation>
    </message>
    <message>
        <source>Partial GPU offload</source>
        <translation>部分卸载到 GPU</translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>GPU memory</source>
        <translation>显存</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Needs {need} of {where}; {free} free to use · context {ctx} tokens · {layers} GPU layers</source>
        <translation>需要 {need} {where}；可用 {free} · 上下文 {ctx} token · GPU 层数 {layers}</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{cw}&apos;&gt;■&lt;/span&gt; weights {w} &amp;nbsp; &lt;span style=&apos;color:{ck}&apos;&gt;■&lt;/span&gt; KV cache {k} &amp;nbsp; &lt;span style=&apos;color:{cc}&apos;&gt;■&lt;/span&gt; compute {c} &amp;nbsp; ┆ free</source>
        <translation>&lt;span style=&apos;color:{cw}&apos;&gt;■&lt;/span&gt; 权重 {w} &amp;nbsp; &lt;span style=&apos;color:{ck}&apos;&gt;■&lt;/span&gt; KV 缓存 {k} &amp;nbsp; &lt;span style=&apos;color:{cc}&apos;&gt;■&lt;/span&gt; 计算 {c} &amp;nbsp; ┆ 空闲</translation>
    </message>
    <message>
        <source>based on {n} measured runs on this computer</source>
        <translation>基于本机 {n} 次实测运行</translation>
    </message>
    <message>
        <source>not yet calibrated on this computer</source>
        <translation>本机尚未校准</translation>
    </message>
    <message>
        <source>Predicted: {low:.1f}–{high:.1f} tokens/s ({runs})</source>
        <translation>预测：{low:.1f}–{high:.1f} tokens/s（{runs}）</translation>
    </message>
    <message>
        <source>measured: {v:.1f} tokens/s</source>
        <translation>实测：{v:.1f} tokens/s</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>GGUF files in your models folder, and files you chose</source>
        <translation>模型文件夹中的 GGUF 文件，以及你选择的文件</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Optional instructions for the model</source>
        <translation>给模型的可选指令</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Choose a model file</source>
        <translation>选择模型文件</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
</context>
<context>
    <name>_Banner</name>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>_ChatWorker</name>
    <message>
        <source>The model file could not be read: {0}.</source>
        <translation>无法读取模型文件：{0}。</translation>
    </message>
    <message>
        <source>Loading failed unexpectedly: {0}</source>
        <translation>加载意外失败：{0}</translation>
    </message>
    <message>
        <source>The reply failed unexpectedly: {0}</source>
        <translation>回复意外失败：{0}</translation>
    </message>
</context>
<context>
    <name>_JobRow</name>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <source>Done: verified and installed in the models folder.</source>
        <translation>完成：已校验并安装到模型文件夹。</translation>
    </message>
    <message>
        <source>Cancelled; the partial file was deleted.</source>
        <translation>已取消；未完成的文件已删除。</translation>
    </message>
    <message>
        <source>Paused at {0}; resume continues from there, also after a restart.</source>
        <translation>已暂停于 {0}；继续时从此处接着下载，重启后也可以。</translation>
    </message>
    <message>
        <source>Looking up the files on the hub…</source>
        <translation>正在 Hub 上查找文件…</translation>
    </message>
    <message>
        <source>Checking disk space and files already on disk…</source>
        <translation>正在检查磁盘空间和已有文件…</translation>
    </message>
    <message>
        <source>Verifying the checksum…</source>
        <translation>正在校验文件完整性…</translation>
    </message>
    <message>
        <source>Connection problem, retrying: {0}</source>
        <translation>连接出现问题，正在重试：{0}</translation>
    </message>
    <message>
        <source>{0} of {1} · {2}/s · {3} left{4}</source>
        <translation>{0} / {1} · {2}/s · 剩余 {3}{4}</translation>
    </message>
</context>
<context>
    <name>_PartialRow</name>
    <message>
        <source>unknown size</source>
        <translation>大小未知</translation>
    </message>
    <message>
        <source>{0} ({1} of {2} on disk)</source>
        <translation>{0}（已下载 {1} / {2}）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>being downloaded by another ModelNest process</source>
        <translation>正由另一个 ModelNest 进程下载</translation>
    </message>
</context>
</TS>
