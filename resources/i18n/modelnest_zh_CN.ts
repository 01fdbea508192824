<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddRemoteDialog</name>
    <message>
        <source>Add remote server</source>
        <translation>添加远程服务器</translation>
    </message>
    <message>
        <source>Any OpenAI-compatible server: vLLM, llama.cpp&apos;s server, Ollama, LM Studio or your team&apos;s inference host.</source>
        <translation>任何 OpenAI 兼容的服务器：vLLM、llama.cpp 的服务器、Ollama、LM Studio 或你团队的推理服务器。</translation>
    </message>
    <message>
        <source>optional, e.g. team GPU server</source>
        <translation>可选，例如：团队 GPU 服务器</translation>
    </message>
    <message>
        <source>optional; kept in the system keychain</source>
        <translation>可选；保存在系统钥匙串中</translation>
    </message>
    <message>
        <source>List models</source>
        <translation>列出模型</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>Asking {0} for its models…</source>
        <translation>正在向 {0} 询问其模型…</translation>
    </message>
    <message>
        <source>{0} model(s) on this server.</source>
        <translation>此服务器上有 {0} 个模型。</translation>
    </message>
    <message>
        <source>The server lists no models.</source>
        <translation>此服务器没有列出任何模型。</translation>
    </message>
    <message>
        <source>The server needs a token: enter it above and list the models again.</source>
        <translation>此服务器需要访问令牌：请在上方填写，然后再次列出模型。</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
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
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>general chat</source>
        <translation>日常聊天</translation>
    </message>
    <message>
        <source>coding</source>
        <translation>编程</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>No model here has a published figure for {0}.</source>
        <translation>这里没有任何模型公布了{0}方面的成绩。</translation>
    </message>
    <message>
        <source>Published {0} score for {1} from one evaluation: {2}. Only figures from that source are compared (the recommendation compares the same). In parentheses: a figure from another benchmark or source, not comparable. —: no published figure.</source>
        <translation>{1}方面公布的 {0} 成绩，来自同一项评测：{2}。只比较该来源的成绩（推荐也按同一评测比较）。括号内：其他基准或其他来源的成绩，不可比较。—：没有公布的成绩。</translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation>{0}，{1}</translation>
    </message>
    <message>
        <source>Not comparable: the models are compared on {0} from {1}, and this model is not in that evaluation.</source>
        <translation>不可比较：各模型按 {1} 的 {0} 比较，而此模型不在该评测中。</translation>
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
    <message>
        <source>No published figure for {0} for this model: it is not ranked by an invented one.</source>
        <translation>此模型没有{0}方面公布的成绩：不会用编造的数字为它排名。</translation>
    </message>
    <message>
        <source>{0} {1:g}{2} for {3}, from the {4}: {5}</source>
        <translation>{3}：{0} {1:g}{2}，来自{4}：{5}</translation>
    </message>
    <message>
        <source>At {0}: about {1:.3g} expected (published score × (1 − relative perplexity increase); an approximation, not a measurement).</source>
        <translation>在 {0} 下：预计约 {1:.3g}（公布成绩 ×（1 − 困惑度相对增幅）；为近似值，并非实测）。</translation>
    </message>
    <message>
        <source>model card</source>
        <translation>模型卡</translation>
    </message>
    <message>
        <source>technical report</source>
        <translation>技术报告</translation>
    </message>
    <message>
        <source>leaderboard</source>
        <translation>排行榜</translation>
    </message>
    <message>
        <source>blog</source>
        <translation>博客</translation>
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
        <source>{0}: no measurable perplexity increase over the 16-bit weights ({1}, measured by llama.cpp: {2})</source>
        <translation>{0}：与 16 位权重相比困惑度无可测增加（{1}，由 llama.cpp 测得：{2}）</translation>
    </message>
    <message>
        <source>{0}: perplexity +{1:.4f} over the 16-bit weights ({2:.2%} worse), {3}, measured by llama.cpp: {4}</source>
        <translation>{0}：困惑度比 16 位权重高 {1:.4f}（差 {2:.2%}），{3}，由 llama.cpp 测得：{4}</translation>
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
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>Snapshot of {0} ({1}) · planned for a {2}-token context</source>
        <translation>{0} 的快照（{1}）· 按 {2} token 上下文规划</translation>
    </message>
    <message>
        <source>Could not choose the recommendations: {0}</source>
        <translation>无法选出推荐：{0}</translation>
    </message>
    <message>
        <source>Checking this computer and planning every model…</source>
        <translation>正在检测本机并为每个模型做规划…</translation>
    </message>
    <message>
        <source>Could not look at this computer, so nothing was planned: {0}</source>
        <translation>无法检测本机，因此没有进行规划：{0}</translation>
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
        <source>Refreshing the catalogue from the hub…</source>
        <translation>正在从 Hub 刷新模型目录…</translation>
    </message>
    <message>
        <source>Unexpected error: {0}: {1}</source>
        <translation>意外错误：{0}：{1}</translation>
    </message>
</context>
<context>
    <name>ChatGauges</name>
    <message>
        <source>{0:.1f} tokens/s</source>
        <translation>{0:.1f} tokens/s</translation>
    </message>
    <message>
        <source>– tokens/s</source>
        <translation>– tokens/s</translation>
    </message>
    <message>
        <source>Generation speed of this reply; the green band is the predicted range ({0:.1f}–{1:.1f} tokens/s), the line below is this reply so far.</source>
        <translation>此回复的生成速度；绿色区域是预测范围（{0:.1f}–{1:.1f} tokens/s），下方的线是此回复到目前为止的速度。</translation>
    </message>
    <message>
        <source>Generation speed of this reply; the line below is this reply so far.</source>
        <translation>此回复的生成速度；下方的线是此回复到目前为止的速度。</translation>
    </message>
    <message>
        <source>first token {0:.0f} ms</source>
        <translation>首 token {0:.0f} ms</translation>
    </message>
    <message>
        <source>first token –</source>
        <translation>首 token –</translation>
    </message>
    <message>
        <source>{0} tokens</source>
        <translation>{0} tokens</translation>
    </message>
    <message>
        <source>Context {0:,} / {1:,} tokens</source>
        <translation>上下文 {0:,} / {1:,} tokens</translation>
    </message>
    <message>
        <source>Context –</source>
        <translation>上下文 –</translation>
    </message>
    <message>
        <source>How much of the model&apos;s context this conversation uses (what the model reads before it answers, plus the reply).</source>
        <translation>此对话占用了模型上下文的多少（模型回答前读取的内容，加上回复）。</translation>
    </message>
    <message>
        <source>The red mark is {0:.0f} °C, where computers usually slow down to cool off.</source>
        <translation>红色标记为 {0:.0f} °C，电脑通常在此温度降速散热。</translation>
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
        <source>CPU temperature: not available on this computer</source>
        <translation>CPU 温度：本机不可用</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>不可用</translation>
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
    <name>ChatPage</name>
    <message>
        <source>{0} reply(s) were interrupted when ModelNest last stopped; they are marked and can be retried.</source>
        <translation>ModelNest 上次停止时有 {0} 条回复被中断；它们已被标记，可以重试。</translation>
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
        <source>Editing your message: Send replaces it and everything after it.</source>
        <translation>正在编辑你的消息：发送后将替换它及其后的所有内容。</translation>
    </message>
    <message>
        <source>Send the message ({0})</source>
        <translation>发送消息（{0}）</translation>
    </message>
    <message>
        <source>Stop the reply, also while the model is still reading ({0})</source>
        <translation>停止回复，模型仍在读取时也可以（{0}）</translation>
    </message>
    <message>
        <source>Copy reply</source>
        <translation>复制回复</translation>
    </message>
    <message>
        <source>Copy the last reply ({0})</source>
        <translation>复制最后一条回复（{0}）</translation>
    </message>
    <message>
        <source>Leave editing ({0})</source>
        <translation>退出编辑（{0}）</translation>
    </message>
    <message>
        <source>Local API server</source>
        <translation>本地 API 服务器</translation>
    </message>
    <message>
        <source>There is no reply to copy yet.</source>
        <translation>还没有可复制的回复。</translation>
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
        <source>A reply is being written in this conversation. Stop it first.</source>
        <translation>此对话正在生成回复。请先停止。</translation>
    </message>
    <message>
        <source>Choose a model file first (or put .gguf files in {0}).</source>
        <translation>请先选择模型文件（或将 .gguf 文件放入 {0}）。</translation>
    </message>
    <message>
        <source>The local API server is stopping: the model is being changed.</source>
        <translation>本地 API 服务器正在停止：模型即将更换。</translation>
    </message>
    <message>
        <source>The local API server was stopped because the model was changed; switch it on again to serve the new one.</source>
        <translation>模型已更换，本地 API 服务器已停止；如需提供新模型，请重新打开它。</translation>
    </message>
    <message>
        <source>Serving the loaded model at {0}</source>
        <translation>正在 {0} 提供已加载的模型</translation>
    </message>
    <message>
        <source>The local API server was stopped because the engine stopped.</source>
        <translation>引擎已停止，因此本地 API 服务器也已停止。</translation>
    </message>
    <message>
        <source>Waiting for the local API server to finish a request…</source>
        <translation>正在等待本地 API 服务器完成一个请求…</translation>
    </message>
    <message>
        <source>Selected; press Load when the current reply or load has finished.</source>
        <translation>已选择；请在当前回复或加载完成后按“加载”。</translation>
    </message>
    <message>
        <source>That remote server did not list this model; choose the server in the model list and load it to bring its list up to date.</source>
        <translation>该远程服务器没有列出这个模型；请在模型列表中选择该服务器并加载，以更新它的模型列表。</translation>
    </message>
    <message>
        <source>{0} on the remote server {1}</source>
        <translation>{0}（远程服务器 {1}）</translation>
    </message>
    <message>
        <source>The remote server could not be used.</source>
        <translation>无法使用该远程服务器。</translation>
    </message>
    <message>
        <source>First token after {0:.2f} s, {1:.1f} tokens/s ({2})</source>
        <translation>首 token 用时 {0:.2f} 秒，{1:.1f} tokens/s（{2}）</translation>
    </message>
    <message>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
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
        <source>Delete message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>Delete this message from the conversation? This cannot be undone.</source>
        <translation>要从对话中删除这条消息吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Reading the conversation: {0:,} / {1:,} tokens</source>
        <translation>正在读取对话：{0:,} / {1:,} tokens</translation>
    </message>
    <message>
        <source>Reading the conversation: {0} %</source>
        <translation>正在读取对话：{0} %</translation>
    </message>
    <message>
        <source>Context: rolling window</source>
        <translation>上下文：滚动窗口</translation>
    </message>
    <message>
        <source>When the conversation no longer fits, the oldest messages are left out; the system prompt is always kept.</source>
        <translation>对话装不下时，舍弃最早的消息；系统提示词始终保留。</translation>
    </message>
    <message>
        <source>Context: truncate the middle</source>
        <translation>上下文：截断中间</translation>
    </message>
    <message>
        <source>When the conversation no longer fits, messages after the first exchange are left out, oldest first; the system prompt and the first exchange are kept.</source>
        <translation>对话装不下时，从最早的开始舍弃第一轮问答之后的消息；系统提示词和第一轮问答保留。</translation>
    </message>
    <message>
        <source>Context: stop at the limit</source>
        <translation>上下文：到达上限即停止</translation>
    </message>
    <message>
        <source>When the conversation no longer fits, nothing is left out: you are asked to start a new conversation or load the model with a longer context.</source>
        <translation>对话装不下时，不舍弃任何内容：会请你新建对话，或以更长的上下文加载模型。</translation>
    </message>
    <message>
        <source>What happens when this conversation no longer fits the model&apos;s context (set per conversation).</source>
        <translation>此对话超出模型上下文时如何处理（每个对话单独设置）。</translation>
    </message>
    <message>
        <source>{0} earlier message(s) were left out so the conversation fits the model&apos;s context; they are still in the history.</source>
        <translation>为使对话装入模型的上下文，舍弃了 {0} 条较早的消息；它们仍保存在聊天记录中。</translation>
    </message>
    <message>
        <source>Stopped; the partial reply was kept.</source>
        <translation>已停止；已保留部分回复。</translation>
    </message>
    <message>
        <source>The measured speed could not be recorded: {0}</source>
        <translation>无法记录实测速度：{0}</translation>
    </message>
    <message>
        <source>The remote server stopped answering in the middle of the reply. The part that arrived was kept.</source>
        <translation>远程服务器在回复途中停止了响应。已收到的部分已保留。</translation>
    </message>
    <message>
        <source>The remote server could not write the reply. Every message was kept.</source>
        <translation>远程服务器无法写出回复。所有消息均已保留。</translation>
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
        <source>The reply could not be written. Every message was kept.</source>
        <translation>无法写出回复。所有消息都已保留。</translation>
    </message>
    <message>
        <source>The engine stopped while it was idle. No reply was being written, and every message was kept.</source>
        <translation>引擎在空闲时停止了。当时没有正在写的回复，所有消息都已保留。</translation>
    </message>
    <message>
        <source>The reply stopped because the model&apos;s context ({0:,} tokens) is full. Start a new conversation, choose another Context setting for this one, or load the model with a longer context.</source>
        <translation>回复已停止，因为模型的上下文（{0:,} tokens）已满。请新建对话，为此对话选择其他上下文设置，或以更长的上下文加载模型。</translation>
    </message>
    <message>
        <source>The reply stopped because the model&apos;s context ({0:,} tokens) is full. Send a message to go on: earlier messages will be left out to make room.</source>
        <translation>回复已停止，因为模型的上下文（{0:,} tokens）已满。发送消息即可继续：会舍弃较早的消息以腾出空间。</translation>
    </message>
    <message>
        <source>This conversation no longer fits the model&apos;s context.</source>
        <translation>此对话已超出模型的上下文。</translation>
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
        <source>Your computer is slowing down to cool off ({0}); replies will be slower.</source>
        <translation>你的电脑正在降频散热（{0}）；回复会变慢。</translation>
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
        <source>Delete</source>
        <translation>删除</translation>
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
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
</context>
<context>
    <name>ConversationSidebar</name>
    <message>
        <source>New chat</source>
        <translation>新建聊天</translation>
    </message>
    <message>
        <source>Start a new conversation ({0})</source>
        <translation>新建对话（{0}）</translation>
    </message>
    <message>
        <source>Search titles</source>
        <translation>搜索标题</translation>
    </message>
    <message>
        <source>Search the conversations&apos; titles ({0})</source>
        <translation>搜索对话标题（{0}）</translation>
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
        <source>A title cannot be empty.</source>
        <translation>标题不能为空。</translation>
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
</context>
<context>
    <name>CuratedTab</name>
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
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>排序</translation>
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
        <source>Right-click to show or hide columns</source>
        <translation>右键单击可显示或隐藏列</translation>
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
        <source>Measure speed</source>
        <translation>测速</translation>
    </message>
    <message>
        <source>Run small test models through the engine for a few seconds, so that the speeds shown for models are measured on this computer rather than taken from a table</source>
        <translation>用引擎运行几秒钟小型测试模型，使模型显示的速度来自本机实测，而不是查表</translation>
    </message>
    <message>
        <source>Could not look at this computer: {0}</source>
        <translation>无法检测本机：{0}</translation>
    </message>
    <message>
        <source>Speed test</source>
        <translation>测速</translation>
    </message>
    <message>
        <source>GPU speed test</source>
        <translation>GPU 测速</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>正在运行…</translation>
    </message>
    <message>
        <source>could not run: {0}</source>
        <translation>无法运行：{0}</translation>
    </message>
    <message>
        <source>not run yet (speeds shown for models come from tables until it runs)</source>
        <translation>尚未运行（在运行之前，模型显示的速度来自表格）</translation>
    </message>
    <message>
        <source>, </source>
        <comment>separator of a list of speeds</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>{0} {1:.1f} GB/s</source>
        <translation>{0} {1:.1f} GB/s</translation>
    </message>
    <message>
        <source>measured on {0} ({1} threads): reading weights {2}, from RAM {5:.1f} GB/s; fixed cost {3:.2f} ms per token; memory copy {4:g} GB/s</source>
        <translation>于 {0} 实测（{1} 线程）：读取权重 {2}，从内存读取 {5:.1f} GB/s；每 token 固定开销 {3:.2f} ms；内存复制 {4:g} GB/s</translation>
    </message>
    <message>
        <source>measured on {0} ({1} threads): reading weights {2}; fixed cost {3:.2f} ms per token; memory {4:g} GB/s</source>
        <translation>于 {0} 实测（{1} 线程）：读取权重 {2}；每 token 固定开销 {3:.2f} ms；内存 {4:g} GB/s</translation>
    </message>
    <message>
        <source>not measured: {0}</source>
        <translation>未测量：{0}</translation>
    </message>
    <message>
        <source>{0} ({1}), measured on {2}: reading weights {3}; fixed cost {4:.2f} ms per token</source>
        <translation>{0}（{1}），测于 {2}：读取权重 {3}；每 token 固定开销 {4:.2f} ms</translation>
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
        <source>, </source>
        <comment>separator of a list of GPU details</comment>
        <translation>、</translation>
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
        <source>, </source>
        <comment>separator of a list of GPU readings</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>{0} {1} at {2} (predicted)</source>
        <translation>{0} {1}，{2}（预测）</translation>
    </message>
    <message>
        <source>Could not work out what this computer runs: {0}</source>
        <translation>无法判断本机能运行什么：{0}</translation>
    </message>
    <message>
        <source>Runs comfortably: {0}</source>
        <translation>流畅运行：{0}</translation>
    </message>
    <message>
        <source>Nothing in the catalogue runs at {0} tokens/s or more (predicted)</source>
        <translation>目录中没有模型能达到每秒 {0} token 或更快（预测）</translation>
    </message>
    <message>
        <source>Largest it can load: {0}</source>
        <translation>能加载的最大模型：{0}</translation>
    </message>
    <message>
        <source>No catalogue model fits in this computer&apos;s memory</source>
        <translation>目录中没有模型能装入本机内存</translation>
    </message>
    <message>
        <source> · </source>
        <comment>between the two halves of the hardware headline</comment>
        <translation> · </translation>
    </message>
    <message>
        <source>Working out what this computer runs…</source>
        <translation>正在判断本机能运行什么…</translation>
    </message>
    <message>
        <source>Predicted by the planner for the catalogue&apos;s models at a {0}-token context; “comfortably” means at least {1} tokens/s (the threshold on the Models page)</source>
        <translation>由规划器按 {0} token 上下文为目录中的模型预测；“流畅”指至少每秒 {1} token（即“模型”页上的阈值）</translation>
    </message>
    <message>
        <source>What it runs</source>
        <translation>能运行什么</translation>
    </message>
    <message>
        <source>running hot and slowing down: {0}</source>
        <translation>温度过高，正在降频：{0}</translation>
    </message>
    <message>
        <source>Could not measure the memory speed: {0}</source>
        <translation>无法测量内存速度：{0}</translation>
    </message>
    <message>
        <source>Measuring memory speed…</source>
        <translation>正在测量内存速度…</translation>
    </message>
    <message>
        <source>Measuring speed…</source>
        <translation>正在测速…</translation>
    </message>
    <message>
        <source>Measuring speed: {0} ({1:.0%})</source>
        <translation>正在测速：{0}（{1:.0%}）</translation>
    </message>
    <message>
        <source>Speed measured: the speeds shown for models now come from this computer.</source>
        <translation>测速完成：模型显示的速度现在来自本机。</translation>
    </message>
    <message>
        <source>Could not measure the speed: {0}</source>
        <translation>无法测速：{0}</translation>
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
    <name>HubTab</name>
    <message>
        <source>Search every GGUF repository on the hub, e.g. qwen2.5 7b</source>
        <translation>在 Hub 上搜索所有 GGUF 仓库，例如 qwen2.5 7b</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Parts</source>
        <translation>分卷</translation>
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
        <source>Check fit (reads the file header only)</source>
        <translation>检查适配（只读取文件头）</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
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
        <source>{0} GGUF repositories found.</source>
        <translation>找到 {0} 个 GGUF 仓库。</translation>
    </message>
    <message>
        <source>No GGUF repositories match.</source>
        <translation>没有匹配的 GGUF 仓库。</translation>
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
        <source>Listing the files of {0}…</source>
        <translation>正在列出 {0} 的文件…</translation>
    </message>
    <message>
        <source>{0}: {1} models by quantization. Select one and check its fit.</source>
        <translation>{0}：按量化分为 {1} 个模型。选择一个并检查适配。</translation>
    </message>
    <message>
        <source>{0} (incomplete)</source>
        <translation>{0}（不完整）</translation>
    </message>
    <message>
        <source>Choose a quantization first.</source>
        <translation>请先选择一个量化版本。</translation>
    </message>
    <message>
        <source>Still looking at this computer; try again in a moment.</source>
        <translation>仍在检测本机，请稍后再试。</translation>
    </message>
    <message>
        <source>Reading the header of {0}…</source>
        <translation>正在读取 {0} 的文件头…</translation>
    </message>
    <message>
        <source>Read {0} of the file&apos;s header: needs {1} at {2} tokens of context.</source>
        <translation>已读取文件头 {0}：上下文 {2} token 时需要 {1}。</translation>
    </message>
</context>
<context>
    <name>LibraryTab</name>
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
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Speed (predicted)</source>
        <translation>速度（预测）</translation>
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
        <source>Scan failed: {0}</source>
        <translation>扫描失败：{0}</translation>
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
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Chat with this model</source>
        <translation>用此模型聊天</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
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
        <source>weights {0}</source>
        <translation>权重 {0}</translation>
    </message>
    <message>
        <source>KV cache {0}</source>
        <translation>KV 缓存 {0}</translation>
    </message>
    <message>
        <source>compute {0}</source>
        <translation>计算能力 {0}</translation>
    </message>
    <message>
        <source>free {0}</source>
        <translation>空闲 {0}</translation>
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
        <source>{runs}; {basis}</source>
        <translation>{runs}；{basis}</translation>
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
    <name>ModelDeleter</name>
    <message>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
</context>
<context>
    <name>ModelDetail</name>
    <message>
        <source>Selected model</source>
        <translation>所选模型</translation>
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
        <source>Quality</source>
        <translation>质量</translation>
    </message>
    <message>
        <source>Choose a model in the list.</source>
        <translation>请在列表中选择一个模型。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
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
        <source>{0} predicted ({1}; {2})</source>
        <translation>预测 {0}（{1}；{2}）</translation>
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
        <source>Chat with this model</source>
        <translation>用此模型聊天</translation>
    </message>
    <message>
        <source>Too large for this computer. A bigger machine or an inference server can run it for you: &lt;a href=&quot;add&quot;&gt;Add remote server…&lt;/a&gt;</source>
        <translation>此模型对本机来说太大。更强的电脑或推理服务器可以替你运行它：&lt;a href=&quot;add&quot;&gt;添加远程服务器…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Too large for this computer — chat with it on {0}</source>
        <translation>对本机来说太大——可在 {0} 上与它聊天</translation>
    </message>
    <message>
        <source>Chat on {0}</source>
        <translation>在 {0} 上聊天</translation>
    </message>
    <message>
        <source>Too large here; a configured remote server could run it: {0}</source>
        <translation>在本机太大；已配置的远程服务器可以运行它：{0}</translation>
    </message>
    <message>
        <source>Open chat on {0}</source>
        <translation>在 {0} 上打开聊天</translation>
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
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected model file (asks first)</source>
        <translation>删除所选的模型文件（会先询问）</translation>
    </message>
    <message>
        <source>Add remote server…</source>
        <translation>添加远程服务器…</translation>
    </message>
    <message>
        <source>Chat through an OpenAI-compatible server (vLLM, llama.cpp, Ollama, LM Studio …) on another computer</source>
        <translation>通过另一台电脑上的 OpenAI 兼容服务器（vLLM、llama.cpp、Ollama、LM Studio …）聊天</translation>
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
        <source>Remote server {0}</source>
        <translation>远程服务器 {0}</translation>
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
    <name>RecommendPanel</name>
    <message>
        <source>Recommended for</source>
        <translation>推荐用途</translation>
    </message>
    <message>
        <source>General chat</source>
        <translation>日常聊天</translation>
    </message>
    <message>
        <source>Coding</source>
        <translation>编程</translation>
    </message>
    <message>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>at least </source>
        <translation>至少 </translation>
    </message>
    <message>
        <source> tokens/s</source>
        <translation> tokens/s</translation>
    </message>
    <message>
        <source>Only files whose lower predicted speed on this computer reaches this many tokens per second are recommended</source>
        <translation>只推荐在本机预测速度下限达到每秒这么多 token 的文件</translation>
    </message>
    <message>
        <source>The best published quality for the chosen use among the models that fit this computer and whose lower predicted speed is at least the threshold; a reasoning model&apos;s thinking counts in its time to answer. Speeds are predictions until a speed test or your chats measure them.</source>
        <translation>在能装入本机、且预测速度下限不低于阈值的模型中，选所选用途公布质量最好的；推理模型的思考计入其回答时间。速度在测速或你的聊天实测之前均为预测。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show this model in the list, at this quantization</source>
        <translation>在列表中以此量化显示该模型</translation>
    </message>
    <message>
        <source>Planning every model for this computer…</source>
        <translation>正在为本机规划每个模型…</translation>
    </message>
    <message>
        <source>No recommendation: the models could not be planned (see the message below).</source>
        <translation>没有推荐：无法规划模型（见下方消息）。</translation>
    </message>
    <message>
        <source>Nothing in the catalogue fits this computer at {0} tokens/s or more (predicted). Lower the threshold, or tick “Show too large” to see what would need more memory.</source>
        <translation>目录中没有模型能在本机达到每秒 {0} token 或更快（预测）。请降低阈值，或勾选“显示太大的模型”查看需要更多内存的模型。</translation>
    </message>
    <message>
        <source>{0}. &lt;b&gt;{1}&lt;/b&gt; {2}</source>
        <translation>{0}. &lt;b&gt;{1}&lt;/b&gt; {2}</translation>
    </message>
    <message>
        <source>Quality figure: {0} {1:g} as published ({2}), less the measured loss of {3}: {4}</source>
        <translation>质量成绩：公布的 {0} {1:g}（{2}），减去 {3} 的实测损失：{4}</translation>
    </message>
    <message>
        <source>A typical answer in about {0:.0f} s (predicted, thinking included)</source>
        <translation>典型回答约需 {0:.0f} 秒（预测，含思考）</translation>
    </message>
    <message>
        <source>A typical answer in about {0:.0f} s (predicted)</source>
        <translation>典型回答约需 {0:.0f} 秒（预测）</translation>
    </message>
    <message>
        <source>Why not bigger: {0}</source>
        <translation>为何不选更大的：{0}</translation>
    </message>
    <message>
        <source>Changed because: {0}</source>
        <translation>变化原因：{0}</translation>
    </message>
    <message>
        <source>the hardware</source>
        <translation>硬件</translation>
    </message>
    <message>
        <source>calibration (measured speeds)</source>
        <translation>校准（实测速度）</translation>
    </message>
    <message>
        <source>the catalogue</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <source>your settings</source>
        <translation>你的设置</translation>
    </message>
    <message>
        <source>the quality figures</source>
        <translation>质量成绩</translation>
    </message>
    <message>
        <source>no input we track (please report this)</source>
        <translation>没有我们跟踪的输入发生变化（请报告此问题）</translation>
    </message>
    <message>
        <source>, </source>
        <comment>separator of a list of changed inputs</comment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ServerPanel</name>
    <message>
        <source>0 picks any free port</source>
        <translation>0 表示自动选择空闲端口</translation>
    </message>
    <message>
        <source>Serve the loaded model</source>
        <translation>对外提供已加载的模型</translation>
    </message>
    <message>
        <source>An OpenAI-compatible API on this computer, for editors, scripts and agents. The chat and the API take turns on the model.</source>
        <translation>本机上的 OpenAI 兼容 API，供编辑器、脚本和智能体使用。聊天和 API 轮流使用模型。</translation>
    </message>
    <message>
        <source>Let other computers connect</source>
        <translation>允许其他电脑连接</translation>
    </message>
    <message>
        <source>Listen on every network address instead of this computer only (the token is still required)</source>
        <translation>监听所有网络地址，而不只是本机（仍需访问令牌）</translation>
    </message>
    <message>
        <source>Keep API chats in my history</source>
        <translation>在聊天记录中保留 API 聊天</translation>
    </message>
    <message>
        <source>Off: what editors and scripts send is not saved. On: each finished chat request becomes a conversation marked API.</source>
        <translation>关闭：编辑器和脚本发送的内容不会保存。开启：每个完成的聊天请求都会成为一个标记为 API 的对话。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Copy token</source>
        <translation>复制令牌</translation>
    </message>
    <message>
        <source>Requests need the header Authorization: Bearer TOKEN. Chats over the API are not saved in your history unless you keep them above.</source>
        <translation>请求需要带上请求头 Authorization: Bearer TOKEN。除非在上方选择保留，通过 API 进行的聊天不会保存到你的聊天记录中。</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Load a model first; then it can be served.</source>
        <translation>请先加载模型，然后才能提供服务。</translation>
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
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Chat with this model</source>
        <translation>用此模型聊天</translation>
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
        <source>Saved as {0}</source>
        <translation>已保存为 {0}</translation>
    </message>
    <message>
        <source>{0} has been deleted.</source>
        <translation>{0} 已删除。</translation>
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
<context>
    <name>core</name>
    <message>
        <source>--queue and --max-tokens must be at least 1.</source>
        <translation>--queue 和 --max-tokens 至少为 1。</translation>
    </message>
    <message>
        <source>/proc/cpuinfo lists no CPU flags</source>
        <translation>/proc/cpuinfo 中没有列出 CPU 标志</translation>
    </message>
    <message>
        <source>/proc/cpuinfo unreadable ({reason})</source>
        <translation>无法读取 /proc/cpuinfo（{reason}）</translation>
    </message>
    <message>
        <source>/proc/meminfo unreadable ({reason})</source>
        <translation>无法读取 /proc/meminfo（{reason}）</translation>
    </message>
    <message>
        <source>A reply cannot finish as {status!r}; expected one of {statuses}.</source>
        <translation>回复不能以 {status!r} 状态结束；应为以下之一：{statuses}。</translation>
    </message>
    <message>
        <source>A reply is still being written; stop it first.</source>
        <translation>仍有回复正在写入，请先停止它。</translation>
    </message>
    <message>
        <source>A valid API token is required: send the header Authorization: Bearer TOKEN with the token shown when the server started.</source>
        <translation>需要有效的 API 令牌：请发送请求头 Authorization: Bearer TOKEN，TOKEN 为服务器启动时显示的令牌。</translation>
    </message>
    <message>
        <source>AMD and Intel GPU sensors are only read on Linux</source>
        <translation>AMD 和 Intel GPU 的传感器仅在 Linux 上读取</translation>
    </message>
    <message>
        <source>API token: the one in {env}</source>
        <translation>API 令牌：{env} 中的令牌</translation>
    </message>
    <message>
        <source>API token: {token}</source>
        <translation>API 令牌：{token}</translation>
    </message>
    <message>
        <source>Access to {file} was refused (403). If {repo} is gated, accept its license at {page} and check that HF_TOKEN belongs to that account.</source>
        <translation>访问 {file} 被拒绝（403）。如果 {repo} 是受限仓库，请在 {page} 接受其许可证，并确认 HF_TOKEN 属于该账号。</translation>
    </message>
    <message>
        <source>Access to {repo} was refused (403). If the model is gated, accept its license at {page}; check that HF_TOKEN belongs to that account.</source>
        <translation>访问 {repo} 被拒绝（403）。如果该模型是受限仓库，请在 {page} 接受其许可证，并确认 HF_TOKEN 属于该账号。</translation>
    </message>
    <message>
        <source>Allowed origins are full origins such as http://localhost:3000, not {origin}.</source>
        <translation>允许的来源必须是完整的来源，例如 http://localhost:3000，而不是 {origin}。</translation>
    </message>
    <message>
        <source>Apple GPU sensors are not available without administrator rights</source>
        <translation>没有管理员权限时无法读取 Apple GPU 传感器</translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <source>Cancel the running download instead; it deletes its own partial file.</source>
        <translation>请改为取消正在进行的下载；它会删除自己的部分文件。</translation>
    </message>
    <message>
        <source>Cannot listen on {host} port {port}: {error}</source>
        <translation>无法在 {host} 的端口 {port} 上监听：{error}</translation>
    </message>
    <message>
        <source>Cannot reach the server at {url}: {error}</source>
        <translation>无法连接到 {url} 的服务器：{error}</translation>
    </message>
    <message>
        <source>Cannot reach {endpoint} ({kind}: {error}). Check the connection or the mirror setting.</source>
        <translation>无法连接到 {endpoint}（{kind}：{error}）。请检查网络连接或镜像设置。</translation>
    </message>
    <message>
        <source>Cannot read the header of {url}: {error}</source>
        <translation>无法读取 {url} 的文件头：{error}</translation>
    </message>
    <message>
        <source>Cannot tell the export format from {name!r}; use a .md or .json file name.</source>
        <translation>无法从 {name!r} 判断导出格式；请使用 .md 或 .json 文件名。</translation>
    </message>
    <message>
        <source>Check that the server is running and the address is right.</source>
        <translation>请检查服务器是否正在运行、地址是否正确。</translation>
    </message>
    <message>
        <source>Check that the server is still running, then try again.</source>
        <translation>请检查服务器是否仍在运行，然后重试。</translation>
    </message>
    <message>
        <source>Check the settings (context, GPU layers) and load it again yourself.</source>
        <translation>请检查设置（上下文、GPU 层数），然后自行重新加载。</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Conversation {id} does not exist (it may have been deleted).</source>
        <translation>对话 {id} 不存在（可能已被删除）。</translation>
    </message>
    <message>
        <source>Copied into it: {conversations} of {known_conversations} conversations and {messages} of {known_messages} messages; the places of unreadable ones are marked.</source>
        <translation>已复制到新历史：{known_conversations} 个对话中的 {conversations} 个、{known_messages} 条消息中的 {messages} 条；无法读取的部分已标出位置。</translation>
    </message>
    <message>
        <source>Could not delete {path}: {reason}</source>
        <translation>无法删除 {path}：{reason}</translation>
    </message>
    <message>
        <source>Could not open the chat history: the file system at {folder} does not support the journal mode ModelNest needs (WAL); choose another data folder with MODELNEST_HOME.</source>
        <translation>无法打开聊天记录：{folder} 所在的文件系统不支持 ModelNest 需要的日志模式（WAL）；请用 MODELNEST_HOME 选择其他数据文件夹。</translation>
    </message>
    <message>
        <source>Could not open the chat history: the history file is damaged; restart ModelNest to set it aside and start a fresh one.</source>
        <translation>无法打开聊天记录：记录文件已损坏；请重新启动 ModelNest，它会将其移到一旁并新建一个。</translation>
    </message>
    <message>
        <source>Could not save your settings to {path}: {reason}.</source>
        <translation>无法将设置保存到 {path}：{reason}。</translation>
    </message>
    <message>
        <source>Could not write the export to {path}: {reason}.</source>
        <translation>无法将导出内容写入 {path}：{reason}。</translation>
    </message>
    <message>
        <source>Could not write the model to disk ({path}): {reason}.</source>
        <translation>无法将模型写入磁盘（{path}）：{reason}。</translation>
    </message>
    <message>
        <source>Could not write the model to disk: {reason}.</source>
        <translation>无法将模型写入磁盘：{reason}。</translation>
    </message>
    <message>
        <source>Could not write {file}: {reason}.</source>
        <translation>无法写入 {file}：{reason}。</translation>
    </message>
    <message>
        <source>Could not {doing}: {reason}.</source>
        <translation>无法{doing}：{reason}。</translation>
    </message>
    <message>
        <source>Delete {name} ({size})? This file is not in the ModelNest models folder: it is {path}, in a folder that belongs to you or to another app. Deleting it removes it for every app that uses it.</source>
        <translation>要删除 {name}（{size}）吗？此文件不在 ModelNest 模型文件夹中：它是 {path}，位于属于你或其他应用的文件夹中。删除后，所有使用它的应用都将无法再使用。</translation>
    </message>
    <message>
        <source>Delete {name} ({size})? This file is not in the ModelNest models folder: it is {path}, in {app}&apos;s folder. Deleting it removes it for {app} too.</source>
        <translation>要删除 {name}（{size}）吗？此文件不在 ModelNest 模型文件夹中：它是 {path}，位于 {app} 的文件夹中。删除后，{app} 也将无法再使用它。</translation>
    </message>
    <message>
        <source>Delete {name} ({size}, {count} file(s)) from the ModelNest models folder? It is in {folder}. You can download it again later.</source>
        <translation>要从 ModelNest 模型文件夹中删除 {name}（{size}，{count} 个文件）吗？它位于 {folder}。以后可以重新下载。</translation>
    </message>
    <message>
        <source>Downloading {file} kept failing ({reason}); gave up after {retries} retries. {size} are kept and the next attempt continues from there.</source>
        <translation>下载 {file} 一再失败（{reason}）；重试 {retries} 次后已放弃。已下载的 {size} 会保留，下次从那里继续。</translation>
    </message>
    <message>
        <source>Each stop sequence must be 1 to {n} characters long.</source>
        <translation>每个停止序列的长度必须为 1 到 {n} 个字符。</translation>
    </message>
    <message>
        <source>Every layer runs on the GPU: the fastest way to run this model.</source>
        <translation>所有层都在 GPU 上运行：这是运行此模型最快的方式。</translation>
    </message>
    <message>
        <source>Fits on GPU</source>
        <translation>完全在 GPU</translation>
    </message>
    <message>
        <source>GGUF version 1 is no longer supported by llama.cpp; use a newer conversion of this model</source>
        <translation>llama.cpp 已不再支持 GGUF 版本 1；请使用此模型较新的转换版本</translation>
    </message>
    <message>
        <source>GPU compute buffer and {backend} overhead are modelled, not measured</source>
        <translation>GPU 计算缓冲区和 {backend} 开销为模型估算，并非实测</translation>
    </message>
    <message>
        <source>GPU listing failed ({kind}: {error})</source>
        <translation>列出 GPU 失败（{kind}：{error}）</translation>
    </message>
    <message>
        <source>GPU {gb:.0f} GB/s</source>
        <translation>GPU {gb:.0f} GB/s</translation>
    </message>
    <message>
        <source>Give either a quantization or a file name, not both.</source>
        <translation>请只给出量化类型或文件名之一，不要同时给出。</translation>
    </message>
    <message>
        <source>KV cache stored as q8_0 (half the memory of f16, slightly lower quality) to fit</source>
        <translation>KV 缓存以 q8_0 存储以便装下（内存为 f16 的一半，质量略低）</translation>
    </message>
    <message>
        <source>Language must be one of {languages}, not {language!r}.</source>
        <translation>语言必须是 {languages} 之一，而不是 {language!r}。</translation>
    </message>
    <message>
        <source>Load the model again.</source>
        <translation>请重新加载模型。</translation>
    </message>
    <message>
        <source>Load the model again; if it keeps happening, try a smaller context or model.</source>
        <translation>请重新加载模型；如果反复出现，请尝试更小的上下文或更小的模型。</translation>
    </message>
    <message>
        <source>Loading failed: {reason} Trying again with {change}.</source>
        <translation>加载失败：{reason}正在重试，改用{change}。</translation>
    </message>
    <message>
        <source>Look at the details below; try another quantization or file of this model, or a smaller context.</source>
        <translation>请查看下方的详细信息；尝试此模型的其他量化版本或文件，或更小的上下文。</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <source>Message {id} does not exist (it may have been deleted).</source>
        <translation>消息 {id} 不存在（可能已被删除）。</translation>
    </message>
    <message>
        <source>Message {index} has an unsupported role (system, user or assistant are supported).</source>
        <translation>消息 {index} 的角色不受支持（支持 system、user 和 assistant）。</translation>
    </message>
    <message>
        <source>Message {index} must be an object.</source>
        <translation>消息 {index} 必须是一个对象。</translation>
    </message>
    <message>
        <source>Message {index} needs text content.</source>
        <translation>消息 {index} 需要文本内容。</translation>
    </message>
    <message>
        <source>Method {method} is not allowed here.</source>
        <translation>此处不允许使用 {method} 方法。</translation>
    </message>
    <message>
        <source>ModelNest is running as an Intel program under Rosetta 2; the Apple Silicon build is much faster.</source>
        <translation>ModelNest 正作为 Intel 程序在 Rosetta 2 下运行；Apple Silicon 版本要快得多。</translation>
    </message>
    <message>
        <source>NVIDIA: could not count GPUs: {reason}</source>
        <translation>NVIDIA：无法统计 GPU 数量：{reason}</translation>
    </message>
    <message>
        <source>NVIDIA: {reason}</source>
        <translation>NVIDIA：{reason}</translation>
    </message>
    <message>
        <source>NVML could not start ({kind}: {error})</source>
        <translation>NVML 无法启动（{kind}：{error}）</translation>
    </message>
    <message>
        <source>NVML error</source>
        <translation>NVML 错误</translation>
    </message>
    <message>
        <source>NVML gave no bus width or clock and the GPU is not in our table</source>
        <translation>NVML 未给出总线位宽或频率，且此 GPU 不在我们的表中</translation>
    </message>
    <message>
        <source>NVML is not open</source>
        <translation>NVML 未打开</translation>
    </message>
    <message>
        <source>NVML was not initialised</source>
        <translation>NVML 未初始化</translation>
    </message>
    <message>
        <source>Needs more memory than this computer has free, even with a shorter context.</source>
        <translation>即使缩短上下文，所需内存仍超过本机的可用内存。</translation>
    </message>
    <message>
        <source>No catalogue entry could be refreshed ({reason}); the previous snapshot stays in use.</source>
        <translation>没有任何目录条目能够刷新（{reason}）；继续使用之前的快照。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>没有加载模型。</translation>
    </message>
    <message>
        <source>No such endpoint: {path}.</source>
        <translation>没有这个接口：{path}。</translation>
    </message>
    <message>
        <source>No system keychain is available here, so the token for {url} is kept for this session only; you will be asked for it again next time.</source>
        <translation>此处没有可用的系统钥匙串，因此 {url} 的令牌仅在本次会话中保留；下次会再次询问。</translation>
    </message>
    <message>
        <source>Not enough free disk space in {folder}: the download needs {needed} plus {margin} to spare, but only {free} is free. Free up {missing} or choose another models folder.</source>
        <translation>{folder} 的磁盘空间不足：下载需要 {needed}，另需预留 {margin}，但只有 {free} 可用。请释放 {missing}，或选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>Nothing could be read from the damaged file, so the new history is empty.</source>
        <translation>损坏的文件中没有任何内容可读，因此新的聊天记录是空的。</translation>
    </message>
    <message>
        <source>Nothing to download.</source>
        <translation>没有要下载的内容。</translation>
    </message>
    <message>
        <source>Offline mode is on (HF_HUB_OFFLINE is set), so nothing can be downloaded. Unset HF_HUB_OFFLINE to download, or use a model that is already on disk.</source>
        <translation>离线模式已开启（设置了 HF_HUB_OFFLINE），因此无法下载。请取消 HF_HUB_OFFLINE 后再下载，或使用磁盘上已有的模型。</translation>
    </message>
    <message>
        <source>Offline mode is on (HF_HUB_OFFLINE), so the catalogue cannot be refreshed; the bundled snapshot stays in use.</source>
        <translation>离线模式已开启（HF_HUB_OFFLINE），因此无法刷新目录；继续使用内置快照。</translation>
    </message>
    <message>
        <source>Ollama manifest names an invalid blob {digest!r}</source>
        <translation>Ollama 清单指向无效的数据块 {digest!r}</translation>
    </message>
    <message>
        <source>Only text content is supported (message {index}).</source>
        <translation>仅支持文本内容（消息 {index}）。</translation>
    </message>
    <message>
        <source>PCI id {pci_id} is not in our table of GPUs</source>
        <translation>PCI ID {pci_id} 不在我们的 GPU 表中</translation>
    </message>
    <message>
        <source>Partly on GPU</source>
        <translation>部分卸载到 GPU</translation>
    </message>
    <message>
        <source>Port {port} is already in use; choose another with --port (0 picks a free one).</source>
        <translation>端口 {port} 已被占用；请用 --port 选择其他端口（0 表示自动选择空闲端口）。</translation>
    </message>
    <message>
        <source>Port {port} is not a valid port number (0 to 65535).</source>
        <translation>{port} 不是有效的端口号（0 到 65535）。</translation>
    </message>
    <message>
        <source>Refusing file name {name!r}: it resolves outside {folder}.</source>
        <translation>拒绝文件名 {name!r}：它指向 {folder} 之外。</translation>
    </message>
    <message>
        <source>Refusing file name {name!r}: {why}. It could write outside the models folder.</source>
        <translation>拒绝文件名 {name!r}：{why}。它可能会写到模型文件夹之外。</translation>
    </message>
    <message>
        <source>Remote engines take a conversation, not a raw prompt.</source>
        <translation>远程引擎接受对话，而不是原始提示词。</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Reply {id} does not exist (its conversation may have been deleted).</source>
        <translation>回复 {id} 不存在（其对话可能已被删除）。</translation>
    </message>
    <message>
        <source>Reply {id} has already finished (status {status}).</source>
        <translation>回复 {id} 已经结束（状态 {status}）。</translation>
    </message>
    <message>
        <source>Reply {id} is not being written by this history store (it has finished, was deleted, or was started in another thread).</source>
        <translation>回复 {id} 不是由此记录存储写入的（它已结束、已被删除，或是在另一个线程中开始的）。</translation>
    </message>
    <message>
        <source>Repository {repo} was not found on {endpoint}. Check the name; if it is private, set HF_TOKEN (or run `hf auth login`) with an account that can see it.</source>
        <translation>在 {endpoint} 上找不到仓库 {repo}。请检查名称；如果是私有仓库，请用能看到它的账号设置 HF_TOKEN（或运行 `hf auth login`）。</translation>
    </message>
    <message>
        <source>Requests from web pages at {origin} are refused; allow the origin when starting the server if you trust it.</source>
        <translation>来自 {origin} 网页的请求被拒绝；如果你信任该来源，请在启动服务器时允许它。</translation>
    </message>
    <message>
        <source>Requests need the header Authorization: Bearer TOKEN. Ctrl-C stops the server.</source>
        <translation>请求需要带上请求头 Authorization: Bearer TOKEN。按 Ctrl-C 停止服务器。</translation>
    </message>
    <message>
        <source>Runs on CPU</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <source>Runs on the CPU from system memory.</source>
        <translation>在 CPU 上运行，使用系统内存。</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Serving {model} at {url}</source>
        <translation>正在 {url} 提供 {model}</translation>
    </message>
    <message>
        <source>Several models in {repo}: {models} (quantizations: {quants}). Choose one with --quant or --file.</source>
        <translation>{repo} 中有多个模型：{models}（量化：{quants}）。请用 --quant 或 --file 选择一个。</translation>
    </message>
    <message>
        <source>Several {quant} models in {repo}: {models}. Choose one with --quant or --file.</source>
        <translation>{repo} 中有多个 {quant} 模型：{models}。请用 --quant 或 --file 选择一个。</translation>
    </message>
    <message>
        <source>Some layers run on the GPU and the rest on the CPU: slower than fully on the GPU.</source>
        <translation>部分层在 GPU 上运行，其余在 CPU 上运行：比完全在 GPU 上慢。</translation>
    </message>
    <message>
        <source>Some settings were not valid and were reset: {problems}</source>
        <translation>部分设置无效，已重置：{problems}</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>That revision of {repo} does not exist on {endpoint}.</source>
        <translation>{endpoint} 上不存在 {repo} 的这个版本。</translation>
    </message>
    <message>
        <source>The API server did not start within {s} seconds.</source>
        <translation>API 服务器未能在 {s} 秒内启动。</translation>
    </message>
    <message>
        <source>The API token must be at least {n} characters long.</source>
        <translation>API 令牌至少需要 {n} 个字符。</translation>
    </message>
    <message>
        <source>The Content-Length header is not a number.</source>
        <translation>Content-Length 请求头不是数字。</translation>
    </message>
    <message>
        <source>The Host header {host} does not name this server; requests through other names are refused (DNS rebinding protection).</source>
        <translation>Host 请求头 {host} 不是此服务器的名称；通过其他名称发来的请求会被拒绝（DNS 重绑定防护）。</translation>
    </message>
    <message>
        <source>The catalogue has no entries to refresh.</source>
        <translation>目录中没有可刷新的条目。</translation>
    </message>
    <message>
        <source>The chat history file {path} is damaged and could not be moved aside ({reason}). Move or delete it yourself, then start ModelNest again.</source>
        <translation>聊天记录文件 {path} 已损坏，且无法移到一旁（{reason}）。请自行移动或删除它，然后重新启动 ModelNest。</translation>
    </message>
    <message>
        <source>The chat history was written by a newer ModelNest (format {version}; this version reads up to {supported}). Update ModelNest to open it; the file was left untouched.</source>
        <translation>聊天记录由较新版本的 ModelNest 写入（格式 {version}；此版本最多读取到 {supported}）。请更新 ModelNest 后再打开；文件未被改动。</translation>
    </message>
    <message>
        <source>The connection to {url} broke in the middle of the reply ({error}); the part that arrived is kept.</source>
        <translation>回复途中与 {url} 的连接断开（{error}）；已收到的部分会保留。</translation>
    </message>
    <message>
        <source>The default system prompt was not text; it was cleared.</source>
        <translation>默认系统提示词不是文本，已清空。</translation>
    </message>
    <message>
        <source>The disk filled up while downloading {file} ({done} of {total} written). The partial file is kept: free up at least {missing} and start the download again to continue.</source>
        <translation>下载 {file} 时磁盘已满（已写入 {done}，共 {total}）。部分文件已保留：请至少释放 {missing}，然后重新开始下载以继续。</translation>
    </message>
    <message>
        <source>The engine answered {event!r} instead of starting.</source>
        <translation>引擎回应了 {event!r}，而没有启动。</translation>
    </message>
    <message>
        <source>The engine could not be started: {error}.</source>
        <translation>无法启动引擎：{error}。</translation>
    </message>
    <message>
        <source>The engine crashed with a memory access error, often caused by a damaged model file or a bug in llama.cpp</source>
        <translation>引擎因内存访问错误而崩溃，通常是模型文件损坏或 llama.cpp 的缺陷所致</translation>
    </message>
    <message>
        <source>The engine crashed with a stack overflow</source>
        <translation>引擎因栈溢出而崩溃</translation>
    </message>
    <message>
        <source>The engine crashed with an arithmetic error</source>
        <translation>引擎因算术错误而崩溃</translation>
    </message>
    <message>
        <source>The engine did not stop when asked, so it was stopped by force.</source>
        <translation>引擎没有按要求停止，已被强制停止。</translation>
    </message>
    <message>
        <source>The engine failed: {error}</source>
        <translation>引擎出错：{error}</translation>
    </message>
    <message>
        <source>The engine is not running.</source>
        <translation>引擎没有运行。</translation>
    </message>
    <message>
        <source>The engine ran out of memory</source>
        <translation>引擎内存不足</translation>
    </message>
    <message>
        <source>The engine showed no sign of life for {seconds:.0f} seconds and was stopped.</source>
        <translation>引擎 {seconds:.0f} 秒没有响应，已被停止。</translation>
    </message>
    <message>
        <source>The engine stopped unexpectedly</source>
        <translation>引擎意外停止</translation>
    </message>
    <message>
        <source>The engine stopped unexpectedly ({cause})</source>
        <translation>引擎意外停止（{cause}）</translation>
    </message>
    <message>
        <source>The engine used a processor instruction this CPU does not support</source>
        <translation>引擎使用了此 CPU 不支持的处理器指令</translation>
    </message>
    <message>
        <source>The engine was stopped because it did not respond</source>
        <translation>引擎因无响应而被停止</translation>
    </message>
    <message>
        <source>The engine was stopped by another program</source>
        <translation>引擎被其他程序停止</translation>
    </message>
    <message>
        <source>The file may be damaged or made for a newer llama.cpp; download it again or try another file of this model.</source>
        <translation>文件可能已损坏，或是为较新版本的 llama.cpp 制作的；请重新下载，或尝试此模型的其他文件。</translation>
    </message>
    <message>
        <source>The header of {url} is larger than {limit} MiB; refusing to read it.</source>
        <translation>{url} 的文件头超过 {limit} MiB，拒绝读取。</translation>
    </message>
    <message>
        <source>The hub address {address!r} is not an http(s) URL (check HF_ENDPOINT or the mirror setting).</source>
        <translation>Hub 地址 {address!r} 不是 http(s) 网址（请检查 HF_ENDPOINT 或镜像设置）。</translation>
    </message>
    <message>
        <source>The hub published no checksum for {file}; ModelNest does not install unverified models.</source>
        <translation>Hub 没有公布 {file} 的校验和；ModelNest 不会安装未经校验的模型。</translation>
    </message>
    <message>
        <source>The hub reported a negative size for {file}.</source>
        <translation>Hub 报告 {file} 的大小为负数。</translation>
    </message>
    <message>
        <source>The language {language!r} is not available; the system language is used.</source>
        <translation>语言 {language!r} 不可用，将跟随系统语言。</translation>
    </message>
    <message>
        <source>The message had an unknown role {role!r}; it is shown as a system note.</source>
        <translation>该消息的角色 {role!r} 未知；它显示为系统备注。</translation>
    </message>
    <message>
        <source>The message had an unknown status {status!r}.</source>
        <translation>该消息的状态 {status!r} 未知。</translation>
    </message>
    <message>
        <source>The model could not be loaded: {reason}.</source>
        <translation>无法加载模型：{reason}。</translation>
    </message>
    <message>
        <source>The model has no chat template. Using the ChatML format; replies may be less coherent.</source>
        <translation>该模型没有聊天模板。将使用 ChatML 格式；回复可能不够连贯。</translation>
    </message>
    <message>
        <source>The model {asked} is not served here; this server serves {model}.</source>
        <translation>这里不提供模型 {asked}；此服务器提供的是 {model}。</translation>
    </message>
    <message>
        <source>The model&apos;s chat template was not used because {reason}. Using the ChatML format instead.</source>
        <translation>没有使用该模型的聊天模板，因为{reason}。改用 ChatML 格式。</translation>
    </message>
    <message>
        <source>The reply could not be saved: its conversation was deleted.</source>
        <translation>无法保存回复：它所在的对话已被删除。</translation>
    </message>
    <message>
        <source>The request body is not valid JSON.</source>
        <translation>请求体不是有效的 JSON。</translation>
    </message>
    <message>
        <source>The request body must be a JSON object.</source>
        <translation>请求体必须是 JSON 对象。</translation>
    </message>
    <message>
        <source>The request is larger than this server accepts ({kib} KiB).</source>
        <translation>请求超过了此服务器接受的大小（{kib} KiB）。</translation>
    </message>
    <message>
        <source>The sampling settings were not readable and were reset.</source>
        <translation>采样设置无法读取，已重置。</translation>
    </message>
    <message>
        <source>The server at {url} does not answer like an OpenAI-compatible server.</source>
        <translation>{url} 的服务器的应答不像 OpenAI 兼容服务器。</translation>
    </message>
    <message>
        <source>The server at {url} ended the reply without finishing it; the part that arrived is kept.</source>
        <translation>{url} 的服务器在回复完成前就结束了；已收到的部分会保留。</translation>
    </message>
    <message>
        <source>The server at {url} failed mid-reply: {error}</source>
        <translation>{url} 的服务器在回复途中出错：{error}</translation>
    </message>
    <message>
        <source>The server at {url} refused the request: {error}</source>
        <translation>{url} 的服务器拒绝了请求：{error}</translation>
    </message>
    <message>
        <source>The server at {url} refused to list its models: {error}</source>
        <translation>{url} 的服务器拒绝列出其模型：{error}</translation>
    </message>
    <message>
        <source>The server at {url} sent nothing for {s:.0f} seconds; the reply was stopped.</source>
        <translation>{url} 的服务器 {s:.0f} 秒没有发送任何内容；回复已停止。</translation>
    </message>
    <message>
        <source>The server at {url} serves no models.</source>
        <translation>{url} 的服务器没有提供任何模型。</translation>
    </message>
    <message>
        <source>The server ended the header of {url} early (after {size} bytes).</source>
        <translation>服务器过早结束了 {url} 的文件头（在 {size} 字节之后）。</translation>
    </message>
    <message>
        <source>The server failed while generating: {error}</source>
        <translation>服务器在生成时出错：{error}</translation>
    </message>
    <message>
        <source>The server is busy: {n} requests are already running or waiting. Try again shortly.</source>
        <translation>服务器繁忙：已有 {n} 个请求正在运行或等待。请稍后重试。</translation>
    </message>
    <message>
        <source>The server listens on {host}, not only on this computer: anyone who can reach this address and knows the token can use the model. Keep the token secret.</source>
        <translation>服务器在 {host} 上监听，而不只是在本机：任何能访问此地址并知道令牌的人都可以使用该模型。请妥善保管令牌。</translation>
    </message>
    <message>
        <source>The server sent more than the {size} bytes the hub announced for {file}; the partial file was deleted.</source>
        <translation>服务器发送的数据超过了 Hub 为 {file} 公布的 {size} 字节；部分文件已删除。</translation>
    </message>
    <message>
        <source>The server sent no bytes for the header of {url} (asked from byte {start}).</source>
        <translation>服务器没有发送 {url} 的文件头数据（从第 {start} 字节开始请求）。</translation>
    </message>
    <message>
        <source>The server&apos;s copy of {file} is {size} bytes, the hub announced {announced}; the file may have changed. Try again later.</source>
        <translation>服务器上的 {file} 为 {size} 字节，而 Hub 公布的是 {announced}；文件可能已更改。请稍后重试。</translation>
    </message>
    <message>
        <source>The server&apos;s limits must be positive (and the body limit at least 1 KiB).</source>
        <translation>服务器的限制必须为正数（请求体限制至少 1 KiB）。</translation>
    </message>
    <message>
        <source>The system keychain refused to store the token for {url} ({error}); it is kept for this session only.</source>
        <translation>系统钥匙串拒绝保存 {url} 的令牌（{error}）；它仅在本次会话中保留。</translation>
    </message>
    <message>
        <source>The {build} build could not start ({reason}); using the portable CPU build instead.</source>
        <translation>{build} 版本无法启动（{reason}）；改用通用 CPU 版本。</translation>
    </message>
    <message>
        <source>The {build} build failed to start: {reason}</source>
        <translation>{build} 版本启动失败：{reason}</translation>
    </message>
    <message>
        <source>The {build} build has no readable {manifest} ({error}).</source>
        <translation>{build} 版本没有可读的 {manifest}（{error}）。</translation>
    </message>
    <message>
        <source>The {build} build is incomplete (no {library} in {folder}).</source>
        <translation>{build} 版本不完整（{folder} 中没有 {library}）。</translation>
    </message>
    <message>
        <source>The {build} build needs a driver for CUDA {cuda} or newer; the installed NVIDIA driver {driver} supports CUDA {supported}. Updating the driver enables it.</source>
        <translation>{build} 版本需要支持 CUDA {cuda} 或更高版本的驱动；已安装的 NVIDIA 驱动 {driver} 支持 CUDA {supported}。更新驱动即可启用。</translation>
    </message>
    <message>
        <source>The {build} build needs a working NVIDIA driver for {gpu} ({why}).</source>
        <translation>{build} 版本需要 {gpu} 的 NVIDIA 驱动正常工作（{why}）。</translation>
    </message>
    <message>
        <source>The {build} build needs an NVIDIA graphics card; none was found.</source>
        <translation>{build} 版本需要 NVIDIA 显卡，但没有找到。</translation>
    </message>
    <message>
        <source>The {build} build needs an NVIDIA, AMD or Intel graphics card; none was found.</source>
        <translation>{build} 版本需要 NVIDIA、AMD 或 Intel 显卡，但没有找到。</translation>
    </message>
    <message>
        <source>The {build} build needs the Vulkan loader, which comes with the graphics driver; it was not found (install or update the driver for {gpu}).</source>
        <translation>{build} 版本需要随显卡驱动提供的 Vulkan 加载器，但没有找到（请安装或更新 {gpu} 的驱动）。</translation>
    </message>
    <message>
        <source>The {build} build was made for llama-cpp-python {made_for}, but this app has {bindings}: loading it could crash.</source>
        <translation>{build} 版本是为 llama-cpp-python {made_for} 构建的，而本应用使用的是 {bindings}：加载它可能会崩溃。</translation>
    </message>
    <message>
        <source>The {what} contained bytes that are not valid text; they are shown as �.</source>
        <translation>{what}中含有不是有效文本的字节；它们显示为 �。</translation>
    </message>
    <message>
        <source>The {what} could not be read and were left out.</source>
        <translation>{what}无法读取，已略去。</translation>
    </message>
    <message>
        <source>The {what} could not be read.</source>
        <translation>{what}无法读取。</translation>
    </message>
    <message>
        <source>The {what} were not in the expected form and were left out.</source>
        <translation>{what}的格式不符合预期，已略去。</translation>
    </message>
    <message>
        <source>There is no message of yours in this conversation to edit.</source>
        <translation>此对话中没有你的消息可供编辑。</translation>
    </message>
    <message>
        <source>There is no message of yours to answer in this conversation.</source>
        <translation>此对话中没有你的消息可供回答。</translation>
    </message>
    <message>
        <source>This build of the engine does not match your processor; install the build for your computer.</source>
        <translation>此引擎版本与你的处理器不匹配；请安装适合本机的版本。</translation>
    </message>
    <message>
        <source>This conversation&apos;s details are stored in a damaged part of the history file.</source>
        <translation>此对话的详细信息存储在聊天记录文件的损坏部分中。</translation>
    </message>
    <message>
        <source>This download is already running.</source>
        <translation>此下载已在进行中。</translation>
    </message>
    <message>
        <source>This is not a ModelNest catalogue snapshot (schema {schema}).</source>
        <translation>这不是 ModelNest 目录快照（格式 {schema}）。</translation>
    </message>
    <message>
        <source>This message is stored in a damaged part of the history file and could not be read.</source>
        <translation>此消息存储在聊天记录文件的损坏部分中，无法读取。</translation>
    </message>
    <message>
        <source>This model crashed the engine twice, so it is not loaded again automatically.</source>
        <translation>此模型已两次导致引擎崩溃，因此不会再自动加载。</translation>
    </message>
    <message>
        <source>This server does not support best_of.</source>
        <translation>此服务器不支持 best_of。</translation>
    </message>
    <message>
        <source>This server does not support response_format.</source>
        <translation>此服务器不支持 response_format。</translation>
    </message>
    <message>
        <source>This server does not support suffix.</source>
        <translation>此服务器不支持 suffix。</translation>
    </message>
    <message>
        <source>This server does not support tool calls.</source>
        <translation>此服务器不支持工具调用。</translation>
    </message>
    <message>
        <source>This server does not support {name}.</source>
        <translation>此服务器不支持 {name}。</translation>
    </message>
    <message>
        <source>This server writes one reply per request: n must be 1.</source>
        <translation>此服务器每个请求只生成一个回复：n 必须为 1。</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>太大</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Try a smaller context length or fewer GPU layers.</source>
        <translation>请尝试更小的上下文长度或更少的 GPU 层。</translation>
    </message>
    <message>
        <source>Try a smaller context or another model file.</source>
        <translation>请尝试更小的上下文或其他模型文件。</translation>
    </message>
    <message>
        <source>Try another model file.</source>
        <translation>请尝试其他模型文件。</translation>
    </message>
    <message>
        <source>Try downloading the model again, or another quantization of it.</source>
        <translation>请重新下载模型，或尝试它的其他量化版本。</translation>
    </message>
    <message>
        <source>Try fewer GPU layers, a smaller context length, or a smaller quantization of the model.</source>
        <translation>请尝试更少的 GPU 层、更小的上下文长度，或该模型更小的量化版本。</translation>
    </message>
    <message>
        <source>Unknown build &apos;{build}&apos; in {path}.</source>
        <translation>{path} 中有未知的版本“{build}”。</translation>
    </message>
    <message>
        <source>Unknown export format {format!r}; use &apos;markdown&apos; or &apos;json&apos;.</source>
        <translation>未知的导出格式 {format!r}；请使用“markdown”或“json”。</translation>
    </message>
    <message>
        <source>Unknown fit {fit}</source>
        <translation>未知的适配 {fit}</translation>
    </message>
    <message>
        <source>Unknown message role {role!r}; expected one of {roles}.</source>
        <translation>未知的消息角色 {role!r}；应为以下之一：{roles}。</translation>
    </message>
    <message>
        <source>Unknown message status {status!r}; expected one of {statuses}.</source>
        <translation>未知的消息状态 {status!r}；应为以下之一：{statuses}。</translation>
    </message>
    <message>
        <source>Using the Metal build (Apple GPU, with the CPU as fallback).</source>
        <translation>使用 Metal 版本（Apple GPU，CPU 作为后备）。</translation>
    </message>
    <message>
        <source>Using the Metal build, as chosen with {variable}={value}.</source>
        <translation>使用 Metal 版本，由 {variable}={value} 指定。</translation>
    </message>
    <message>
        <source>Using the portable CPU build, as chosen with {variable}={value}.</source>
        <translation>使用通用 CPU 版本，由 {variable}={value} 指定。</translation>
    </message>
    <message>
        <source>Using the portable CPU build. {reasons}</source>
        <translation>使用通用 CPU 版本。{reasons}</translation>
    </message>
    <message>
        <source>Using the portable CPU build: no graphics card that llama.cpp can use was found.</source>
        <translation>使用通用 CPU 版本：没有找到 llama.cpp 能使用的显卡。</translation>
    </message>
    <message>
        <source>Using the portable CPU build: this app has no GPU build for the graphics card found.</source>
        <translation>使用通用 CPU 版本：本应用没有适合所找到显卡的 GPU 版本。</translation>
    </message>
    <message>
        <source>Using the {build} build, as chosen with {variable}.</source>
        <translation>使用 {build} 版本，由 {variable} 指定。</translation>
    </message>
    <message>
        <source>Web pages from {origins} may call the API from a browser.</source>
        <translation>来自 {origins} 的网页可以在浏览器中调用此 API。</translation>
    </message>
    <message>
        <source>Your chat history file was damaged and could not be opened. ModelNest set it aside as {name} (in {folder}) and started a new history. {saved}</source>
        <translation>你的聊天记录文件已损坏，无法打开。ModelNest 已将其另存为 {name}（位于 {folder}），并新建了聊天记录。{saved}</translation>
    </message>
    <message>
        <source>Your settings could not be read ({reason}); the defaults are used for now.</source>
        <translation>无法读取你的设置（{reason}）；暂时使用默认设置。</translation>
    </message>
    <message>
        <source>Your settings file was damaged (perhaps a save was interrupted), so the default settings are used.</source>
        <translation>你的设置文件已损坏（可能是保存时被中断），因此使用默认设置。</translation>
    </message>
    <message>
        <source>Your settings file was damaged (perhaps a save was interrupted), so the default settings are used. The damaged file was kept as {name}.</source>
        <translation>你的设置文件已损坏（可能是保存时被中断），因此使用默认设置。损坏的文件已保留为 {name}。</translation>
    </message>
    <message>
        <source>a Git LFS pointer, not the model itself; the download fetched the pointer instead of the file</source>
        <translation>这是 Git LFS 指针，不是模型本身；下载得到的是指针而不是文件</translation>
    </message>
    <message>
        <source>a Python pickle (PyTorch checkpoint), not a GGUF model; pickles can run code, never load them</source>
        <translation>这是 Python pickle（PyTorch 检查点），不是 GGUF 模型；pickle 可以执行代码，切勿加载</translation>
    </message>
    <message>
        <source>a ZIP archive (for example a PyTorch .bin/.pt checkpoint), not a GGUF model</source>
        <translation>这是 ZIP 压缩包（例如 PyTorch .bin/.pt 检查点），不是 GGUF 模型</translation>
    </message>
    <message>
        <source>a dimension of tensor &apos;{name}&apos;</source>
        <translation>张量“{name}”的一个维度</translation>
    </message>
    <message>
        <source>a path component ends with a space or a dot (Windows would silently change it)</source>
        <translation>某个路径部分以空格或句点结尾（Windows 会悄悄改掉它）</translation>
    </message>
    <message>
        <source>a path component is too long</source>
        <translation>某个路径部分太长</translation>
    </message>
    <message>
        <source>a safetensors file, not a GGUF model; pick a .gguf file from the model&apos;s GGUF repository</source>
        <translation>这是 safetensors 文件，不是 GGUF 模型；请从该模型的 GGUF 仓库中选择 .gguf 文件</translation>
    </message>
    <message>
        <source>a web page or error message saved under a .gguf name, not a model; download it again</source>
        <translation>这是以 .gguf 为名保存的网页或错误信息，不是模型；请重新下载</translation>
    </message>
    <message>
        <source>an old GGML-format model that llama.cpp no longer reads; use a GGUF version of it</source>
        <translation>这是 llama.cpp 已不再读取的旧 GGML 格式模型；请使用它的 GGUF 版本</translation>
    </message>
    <message>
        <source>another program (perhaps a second ModelNest window) is holding the history file</source>
        <translation>另一个程序（也许是第二个 ModelNest 窗口）正占用聊天记录文件</translation>
    </message>
    <message>
        <source>The engine was killed by the operating system because the computer ran out of memory: {reason}</source>
        <translation>引擎被操作系统终止，因为本机内存不足：{reason}</translation>
    </message>
    <message>
        <source>An input is empty: every input needs some text.</source>
        <translation>有一个输入为空：每个输入都需要有文本。</translation>
    </message>
    <message>
        <source>Attention and the shared weights run on the GPU; the routed experts of some layers stay in system memory and run on the CPU: slower than fully on the GPU, faster than splitting layers.</source>
        <translation>注意力和共享权重在 GPU 上运行；部分层的路由专家留在系统内存中由 CPU 运行：比完全在 GPU 上慢，但比按层拆分快。</translation>
    </message>
    <message>
        <source>Computing embeddings was cancelled.</source>
        <translation>嵌入向量的计算已取消。</translation>
    </message>
    <message>
        <source>Connected to {url}, model {model}. Speeds are {label}. Conversation {id}. /help for commands.</source>
        <translation>已连接到 {url}，模型 {model}。速度为{label}。对话 {id}。输入 /help 查看命令。</translation>
    </message>
    <message>
        <source>Embeddings could not be computed: {reason}.</source>
        <translation>无法计算嵌入向量：{reason}。</translation>
    </message>
    <message>
        <source>Endpoints: GET {base}/models, POST {base}/chat/completions, POST {base}/completions, POST {base}/embeddings (when the model can embed).</source>
        <translation>端点：GET {base}/models、POST {base}/chat/completions、POST {base}/completions、POST {base}/embeddings（模型能计算嵌入向量时）。</translation>
    </message>
    <message>
        <source>GPU done</source>
        <translation>GPU 完成</translation>
    </message>
    <message>
        <source>GPU, experts in RAM</source>
        <translation>GPU，专家在内存</translation>
    </message>
    <message>
        <source>Load the model without keeping experts in system memory (cpu_moe_layers 0).</source>
        <translation>请在不将专家权重保留在内存中的情况下加载模型（cpu_moe_layers 0）。</translation>
    </message>
    <message>
        <source>Minimum speed for recommendations</source>
        <translation>推荐的最低速度</translation>
    </message>
    <message>
        <source>NVML: {bits}-bit bus × {mhz} MHz memory clock</source>
        <translation>NVML：{bits} 位总线 × {mhz} MHz 显存时钟</translation>
    </message>
    <message>
        <source>Name a .gguf file to chat with, or a server with --remote URL.</source>
        <translation>请指定要聊天的 .gguf 文件，或用 --remote URL 指定服务器。</translation>
    </message>
    <message>
        <source>No embeddings were computed: {reason}.</source>
        <translation>未计算任何嵌入向量：{reason}。</translation>
    </message>
    <message>
        <source>The engine was stopped from outside ModelNest (by another program, a task manager or the kill command)</source>
        <translation>引擎被 ModelNest 以外的程序停止（其他程序、任务管理器或 kill 命令）</translation>
    </message>
    <message>
        <source>The highest-quality model and quantization (bigger model first, then less lossy quantization) that fits entirely in this computer&apos;s memory — fully on the GPU when there is one, else in RAM — and is predicted to generate at least {tps} tokens/s at a {ctx}-token context.</source>
        <translation>能完全装入本机内存（有 GPU 时完全在 GPU 上，否则在内存中）、并且预测在 {ctx} token 上下文下每秒至少生成 {tps} tokens 的质量最高的模型和量化（先选更大的模型，再选损失更小的量化）。</translation>
    </message>
    <message>
        <source>The server at {url} needs a token; run this in a terminal to enter it.</source>
        <translation>{url} 的服务器需要令牌；请在终端中运行此命令以输入令牌。</translation>
    </message>
    <message>
        <source>The server at {url} no longer serves {model}; it serves: {models}.</source>
        <translation>{url} 上的服务器已不再提供 {model}；它现在提供：{models}。</translation>
    </message>
    <message>
        <source>The server is stopping; this request was not served.</source>
        <translation>服务器正在停止；此请求没有得到处理。</translation>
    </message>
    <message>
        <source>The use for recommendations must be one of {uses}, not {use!r}.</source>
        <translation>推荐用途必须是 {uses} 之一，而不是 {use!r}。</translation>
    </message>
    <message>
        <source>The use {use!r} is not one the recommendations know; general chat is used.</source>
        <translation>推荐不认识用途 {use!r}，已改用通用聊天。</translation>
    </message>
    <message>
        <source>There is no reply to regenerate in this conversation.</source>
        <translation>此对话中没有可重新生成的回复。</translation>
    </message>
    <message>
        <source>There is no such message of yours to edit (it may have been deleted).</source>
        <translation>没有这条可编辑的消息（可能已被删除）。</translation>
    </message>
    <message>
        <source>This conversation is {tokens:,} tokens long and no longer leaves room for a reply in the model&apos;s context of {ctx:,} tokens; it is set to stop at the limit. Start a new conversation, let this one drop older messages (Context: rolling window or truncate the middle), or load the model with a longer context.</source>
        <translation>此对话长 {tokens:,} token，在模型 {ctx:,} token 的上下文中已没有留给回复的空间；它被设为到达上限即停止。请新建对话，让此对话舍弃较早的消息（上下文：滚动窗口或截断中间），或以更长的上下文加载模型。</translation>
    </message>
    <message>
        <source>This llama.cpp build does not expose its CPU buffer type, so the experts cannot be kept in system memory.</source>
        <translation>此 llama.cpp 版本未提供其 CPU 缓冲区类型，因此无法将专家权重保留在内存中。</translation>
    </message>
    <message>
        <source>This message was in a damaged part of the old history file.</source>
        <translation>此消息位于旧聊天记录文件的损坏部分中。</translation>
    </message>
    <message>
        <source>This model cannot compute embeddings: {reason}.</source>
        <translation>此模型无法计算嵌入向量：{reason}。</translation>
    </message>
    <message>
        <source>This model&apos;s embeddings have {n} dimensions and cannot be shortened: dimensions must be {n} or left out (it was {asked}).</source>
        <translation>此模型的嵌入向量有 {n} 维，不能缩短：dimensions 必须为 {n} 或不填（收到的是 {asked}）。</translation>
    </message>
    <message>
        <source>This server embeds text only: send strings, not token arrays.</source>
        <translation>此服务器只嵌入文本：请发送字符串，而不是 token 数组。</translation>
    </message>
    <message>
        <source>Token for {url}: </source>
        <translation>{url} 的令牌：</translation>
    </message>
    <message>
        <source>Try a smaller context length or a smaller quantization of the model, or close other programs that use a lot of memory.</source>
        <translation>请尝试更小的上下文长度或该模型更小的量化版本，或关闭其他占用大量内存的程序。</translation>
    </message>
    <message>
        <source>Try a smaller context length or a smaller quantization of the model.</source>
        <translation>请尝试更小的上下文长度或该模型更小的量化版本。</translation>
    </message>
    <message>
        <source>Windows display adapters: registry unreadable ({error})</source>
        <translation>Windows 显示适配器：无法读取注册表（{error}）</translation>
    </message>
    <message>
        <source>Your last message with the system prompt is {tokens:,} tokens long, more than the model&apos;s context of {ctx:,} tokens, even without the rest of the conversation. Shorten the message or the system prompt, or load the model with a longer context.</source>
        <translation>即使不算对话的其余部分，你的最后一条消息加上系统提示词也长 {tokens:,} token，超过了模型 {ctx:,} token 的上下文。请缩短消息或系统提示词，或以更长的上下文加载模型。</translation>
    </message>
    <message>
        <source>assumed</source>
        <translation>假定值</translation>
    </message>
    <message>
        <source>assumed (memory speed unknown; run the speed test)</source>
        <translation>假定值（内存速度未知；请运行测速）</translation>
    </message>
    <message>
        <source>assumed for an unknown GPU: {gb:.0f} GB/s</source>
        <translation>未知 GPU 的假定值：{gb:.0f} GB/s</translation>
    </message>
    <message>
        <source>assumed for {gpu} (not in our table): {gb:.0f} GB/s, a low figure for its class</source>
        <translation>{gpu} 的假定值（不在我们的表中）：{gb:.0f} GB/s，按同级别中偏低的数值</translation>
    </message>
    <message>
        <source>attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>attention on the GPU, routed experts of {n} of {total} layers in system RAM</source>
        <translation>注意力在 GPU 上，{total} 层中 {n} 层的路由专家在系统内存中</translation>
    </message>
    <message>
        <source>cannot read the file: {reason}</source>
        <translation>无法读取文件：{reason}</translation>
    </message>
    <message>
        <source>cannot read {path}: permission denied</source>
        <translation>无法读取 {path}：权限不足</translation>
    </message>
    <message>
        <source>catalogue entry {id!r} is malformed: {error}</source>
        <translation>目录条目 {id!r} 格式错误：{error}</translation>
    </message>
    <message>
        <source>checking {file} already on disk</source>
        <translation>正在校验磁盘上已有的 {file}</translation>
    </message>
    <message>
        <source>choose the reply</source>
        <translation>选择回复</translation>
    </message>
    <message>
        <source>clock speed is down {lost} % while the temperature rose to {temp:.0f} °C</source>
        <translation>温度升至 {temp:.0f} °C，频率下降了 {lost} %</translation>
    </message>
    <message>
        <source>computing embeddings was cancelled</source>
        <translation>嵌入向量的计算已取消</translation>
    </message>
    <message>
        <source>connection problem ({error})</source>
        <translation>连接问题（{error}）</translation>
    </message>
    <message>
        <source>context reduced from {old} to {new} tokens to fit in memory</source>
        <translation>为装入内存，上下文从 {old} 减少到 {new} token</translation>
    </message>
    <message>
        <source>context {ctx} is longer than the model was trained for ({trained}); using {used}</source>
        <translation>上下文 {ctx} 超过了模型训练时的长度（{trained}）；改用 {used}</translation>
    </message>
    <message>
        <source>conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <source>core types are not available</source>
        <translation>无法获得核心类型</translation>
    </message>
    <message>
        <source>core types unreadable ({error})</source>
        <translation>无法读取核心类型（{error}）</translation>
    </message>
    <message>
        <source>cost per layer</source>
        <translation>每层开销</translation>
    </message>
    <message>
        <source>cost per layer on the GPU</source>
        <translation>GPU 上每层的开销</translation>
    </message>
    <message>
        <source>cost per vocabulary entry</source>
        <translation>每个词表条目的开销</translation>
    </message>
    <message>
        <source>could not read free space ({kind}: {error})</source>
        <translation>无法读取可用空间（{kind}：{error}）</translation>
    </message>
    <message>
        <source>could not read the file system type ({kind})</source>
        <translation>无法读取文件系统类型（{kind}）</translation>
    </message>
    <message>
        <source>create a conversation</source>
        <translation>创建对话</translation>
    </message>
    <message>
        <source>creation time</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>ctx {value}</source>
        <translation>上下文 {value}</translation>
    </message>
    <message>
        <source>delete the conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>delete the message</source>
        <translation>删除消息</translation>
    </message>
    <message>
        <source>delete the reply</source>
        <translation>删除回复</translation>
    </message>
    <message>
        <source>does not fit</source>
        <translation>放不下</translation>
    </message>
    <message>
        <source>edit your message</source>
        <translation>编辑你的消息</translation>
    </message>
    <message>
        <source>element {index} of {field}</source>
        <translation>{field}的第 {index} 个元素</translation>
    </message>
    <message>
        <source>encoding_format must be float or base64.</source>
        <translation>encoding_format 必须是 float 或 base64。</translation>
    </message>
    <message>
        <source>fewer GPU layers ({old} → {new})</source>
        <translation>更少的 GPU 层（{old} → {new}）</translation>
    </message>
    <message>
        <source>file size estimated from the parameter count and typical bits per weight</source>
        <translation>文件大小根据参数量和典型的每权重位数估算</translation>
    </message>
    <message>
        <source>first token {ms:.0f} ms</source>
        <translation>首 token {ms:.0f} ms</translation>
    </message>
    <message>
        <source>fits fully in RAM</source>
        <translation>完全放入内存</translation>
    </message>
    <message>
        <source>fits fully on the GPU</source>
        <translation>完全放入 GPU</translation>
    </message>
    <message>
        <source>fixed cost per token</source>
        <translation>每个 token 的固定开销</translation>
    </message>
    <message>
        <source>fixed cost per token on the GPU</source>
        <translation>GPU 上每 token 的固定开销</translation>
    </message>
    <message>
        <source>free VRAM is not in the registry</source>
        <translation>注册表中没有可用显存的信息</translation>
    </message>
    <message>
        <source>general.alignment is {value!r}; it must be a power of two stored as uint32</source>
        <translation>general.alignment 为 {value!r}；它必须是以 uint32 存储的 2 的幂</translation>
    </message>
    <message>
        <source>generation speed is down {lost} % while the temperature rose to {temp:.0f} °C</source>
        <translation>温度升至 {temp:.0f} °C，生成速度下降了 {lost} %</translation>
    </message>
    <message>
        <source>generation {rate:.1f} t/s</source>
        <translation>生成 {rate:.1f} t/s</translation>
    </message>
    <message>
        <source>hardware slowdown</source>
        <translation>硬件降速</translation>
    </message>
    <message>
        <source>input is required: a string or a list of strings.</source>
        <translation>必须提供 input：一个字符串或字符串列表。</translation>
    </message>
    <message>
        <source>input may hold at most {n} strings.</source>
        <translation>input 最多可包含 {n} 个字符串。</translation>
    </message>
    <message>
        <source>input must be a string or a list of strings.</source>
        <translation>input 必须是字符串或字符串列表。</translation>
    </message>
    <message>
        <source>input must be a string or a non-empty list of strings.</source>
        <translation>input 必须是字符串或非空的字符串列表。</translation>
    </message>
    <message>
        <source>input {index} is empty; every input needs some text</source>
        <translation>输入 {index} 为空；每个输入都需要有文本</translation>
    </message>
    <message>
        <source>input {index} is {tokens:,} tokens long, more than the {limit:,} tokens this model embeds at once</source>
        <translation>输入 {index} 长 {tokens:,} token，超过此模型一次可嵌入的 {limit:,} token</translation>
    </message>
    <message>
        <source>integrated GPU: it uses system memory</source>
        <translation>集成显卡：使用系统内存</translation>
    </message>
    <message>
        <source>iogpu.wired_limit_mb (set by the user)</source>
        <translation>iogpu.wired_limit_mb（由用户设置）</translation>
    </message>
    <message>
        <source>ioreg did not report the GPU core count</source>
        <translation>ioreg 没有报告 GPU 核心数</translation>
    </message>
    <message>
        <source>ioreg failed ({error})</source>
        <translation>ioreg 失败（{error}）</translation>
    </message>
    <message>
        <source>it contains &apos;:&apos; (a drive letter or an alternate data stream on Windows)</source>
        <translation>其中含有“:”（在 Windows 上表示盘符或备用数据流）</translation>
    </message>
    <message>
        <source>it contains a NUL character</source>
        <translation>其中含有 NUL 字符</translation>
    </message>
    <message>
        <source>it contains a backslash (a Windows path separator)</source>
        <translation>其中含有反斜杠（Windows 路径分隔符）</translation>
    </message>
    <message>
        <source>it contains an empty, &apos;.&apos; or &apos;..&apos; path component</source>
        <translation>其中含有空的、“.”或“..”路径部分</translation>
    </message>
    <message>
        <source>it contains control characters</source>
        <translation>其中含有控制字符</translation>
    </message>
    <message>
        <source>it ends like ModelNest&apos;s own temporary files</source>
        <translation>它的结尾与 ModelNest 自己的临时文件相同</translation>
    </message>
    <message>
        <source>it has recurrent layers (like Mamba or RWKV), and ModelNest computes embeddings only with attention models</source>
        <translation>它含有循环层（如 Mamba 或 RWKV），而 ModelNest 只用注意力模型计算嵌入向量</translation>
    </message>
    <message>
        <source>it is a reranker: it scores pairs of texts and gives no embeddings</source>
        <translation>它是重排序模型：只为文本对打分，不给出嵌入向量</translation>
    </message>
    <message>
        <source>it is an absolute path</source>
        <translation>它是绝对路径</translation>
    </message>
    <message>
        <source>it is an encoder-decoder model (like T5), for which llama.cpp computes no embeddings</source>
        <translation>它是编码器-解码器模型（如 T5），llama.cpp 不为这类模型计算嵌入向量</translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>它是空的</translation>
    </message>
    <message>
        <source>it is too long</source>
        <translation>它太长了</translation>
    </message>
    <message>
        <source>it starts with a drive letter</source>
        <translation>它以盘符开头</translation>
    </message>
    <message>
        <source>it uses a reserved Windows device name</source>
        <translation>它使用了 Windows 保留的设备名</translation>
    </message>
    <message>
        <source>last-change time</source>
        <translation>最后修改时间</translation>
    </message>
    <message>
        <source>layers split over {n} GPUs in proportion to their free memory: {split}</source>
        <translation>各层按可用显存比例分配到 {n} 个 GPU 上：{split}</translation>
    </message>
    <message>
        <source>llama.cpp could not create a context with these settings (often: not enough memory)</source>
        <translation>llama.cpp 无法用这些设置创建上下文（通常是内存不足）</translation>
    </message>
    <message>
        <source>llama.cpp could not create an embedding context for it</source>
        <translation>llama.cpp 无法为它创建嵌入上下文</translation>
    </message>
    <message>
        <source>llama.cpp could not load the model</source>
        <translation>llama.cpp 无法加载模型</translation>
    </message>
    <message>
        <source>llama.cpp failed to compute embeddings (code {code})</source>
        <translation>llama.cpp 计算嵌入向量失败（代码 {code}）</translation>
    </message>
    <message>
        <source>llama.cpp pooled no embedding for input {index}</source>
        <translation>llama.cpp 没有为输入 {index} 池化出嵌入向量</translation>
    </message>
    <message>
        <source>llama.cpp pools no embedding for it (pooling type {pooling})</source>
        <translation>llama.cpp 不为它池化出嵌入向量（池化类型 {pooling}）</translation>
    </message>
    <message>
        <source>llama.cpp stopped itself because something was wrong (an internal check failed), often a model file or a setting it cannot handle</source>
        <translation>llama.cpp 因出现问题（内部检查失败）而自行停止，通常是它无法处理的模型文件或设置</translation>
    </message>
    <message>
        <source>loading was cancelled</source>
        <translation>加载已取消</translation>
    </message>
    <message>
        <source>macOS default: 2/3 of memory</source>
        <translation>macOS 默认值：内存的 2/3</translation>
    </message>
    <message>
        <source>macOS default: 3/4 of memory</source>
        <translation>macOS 默认值：内存的 3/4</translation>
    </message>
    <message>
        <source>max {value}</source>
        <translation>最多 {value}</translation>
    </message>
    <message>
        <source>measured by ModelNest, over the network</source>
        <translation>由 ModelNest 通过网络实测</translation>
    </message>
    <message>
        <source>measured on this computer (speed test of {date})</source>
        <translation>在本机实测（{date} 的测速）</translation>
    </message>
    <message>
        <source>measured: numpy copy of {mib} MiB, 1 thread, best of {runs} ({when})</source>
        <translation>实测：numpy 复制 {mib} MiB，1 个线程，{runs} 次取最佳（{when}）</translation>
    </message>
    <message>
        <source>measured: numpy copy of {mib} MiB, {threads} threads, best of {runs} ({when})</source>
        <translation>实测：numpy 复制 {mib} MiB，{threads} 个线程，{runs} 次取最佳（{when}）</translation>
    </message>
    <message>
        <source>memory bandwidth</source>
        <translation>内存带宽</translation>
    </message>
    <message>
        <source>memory speed measured on this computer, compute from a table ({row})</source>
        <translation>内存速度为本机实测，计算能力来自表格（{row}）</translation>
    </message>
    <message>
        <source>message text</source>
        <translation>消息文本</translation>
    </message>
    <message>
        <source>messages may hold at most {n} entries.</source>
        <translation>messages 最多可包含 {n} 条。</translation>
    </message>
    <message>
        <source>messages must be a non-empty list.</source>
        <translation>messages 必须是非空列表。</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; has {count} entries, but the model has {layers} layers</source>
        <translation>元数据“{field}”有 {count} 项，但模型有 {layers} 层</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; has {count} entries, far more than a model has layers</source>
        <translation>元数据“{field}”有 {count} 项，远多于模型的层数</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is an empty list</source>
        <translation>元数据“{field}”是空列表</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is empty</source>
        <translation>元数据“{field}”为空</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is not a finite number ({value})</source>
        <translation>元数据“{field}”不是有限数值（{value}）</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is stored as {found}, but it must be a list of text</source>
        <translation>元数据“{field}”存储为 {found}，但它必须是文本列表</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is stored as {found}, but it must be a number</source>
        <translation>元数据“{field}”存储为 {found}，但它必须是数字</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is stored as {found}, but it must be a whole number</source>
        <translation>元数据“{field}”存储为 {found}，但它必须是整数</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is stored as {found}, but it must be a whole number or a list of them</source>
        <translation>元数据“{field}”存储为 {found}，但它必须是整数或整数列表</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is stored as {found}, but it must be text</source>
        <translation>元数据“{field}”存储为 {found}，但它必须是文本</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is {value}, but the expert tensors hold {experts} experts</source>
        <translation>元数据“{field}”为 {value}，但专家张量包含 {experts} 个专家</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is {value}, more than &apos;{other_field}&apos; ({other})</source>
        <translation>元数据“{field}”为 {value}，大于“{other_field}”（{other}）</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is {value}, more than the widest tensor in the file ({limit})</source>
        <translation>元数据“{field}”为 {value}，大于文件中最宽的张量（{limit}）</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; is {value}, outside the range {low} to {high}</source>
        <translation>元数据“{field}”为 {value}，超出 {low} 到 {high} 的范围</translation>
    </message>
    <message>
        <source>metadata &apos;{field}&apos; says the model has {value} layers, but its tensor table holds {layers}</source>
        <translation>元数据“{field}”说模型有 {value} 层，但其张量表中有 {layers} 层</translation>
    </message>
    <message>
        <source>metadata &apos;{key}&apos;</source>
        <translation>元数据“{key}”</translation>
    </message>
    <message>
        <source>metadata key #{index}</source>
        <translation>第 {index} 个元数据键</translation>
    </message>
    <message>
        <source>metadata key #{index} contains control characters</source>
        <translation>第 {index} 个元数据键含有控制字符</translation>
    </message>
    <message>
        <source>metadata key #{index} is empty</source>
        <translation>第 {index} 个元数据键为空</translation>
    </message>
    <message>
        <source>metadata key &apos;{key}&apos; appears twice</source>
        <translation>元数据键“{key}”出现了两次</translation>
    </message>
    <message>
        <source>mixture of experts</source>
        <translation>混合专家</translation>
    </message>
    <message>
        <source>model is required: this server serves {model}.</source>
        <translation>必须指定 model：此服务器提供的是 {model}。</translation>
    </message>
    <message>
        <source>model name</source>
        <translation>模型名称</translation>
    </message>
    <message>
        <source>model path</source>
        <translation>模型路径</translation>
    </message>
    <message>
        <source>mount point not found</source>
        <translation>找不到挂载点</translation>
    </message>
    <message>
        <source>needs about {ram} of RAM and {vram} of GPU memory even at {ctx} tokens of context; {free} of RAM is free to use</source>
        <translation>即使上下文为 {ctx} token，也需要约 {ram} 内存和 {vram} 显存；可用内存为 {free}</translation>
    </message>
    <message>
        <source>needs about {ram} of RAM even at {ctx} tokens of context; {free} of RAM is free to use</source>
        <translation>即使上下文为 {ctx} token，也需要约 {ram} 内存；可用内存为 {free}</translation>
    </message>
    <message>
        <source>no GPU build of llama.cpp for {gpu}: {reason}</source>
        <translation>没有适用于 {gpu} 的 llama.cpp GPU 版本：{reason}</translation>
    </message>
    <message>
        <source>no NVIDIA driver found (the NVML library is not installed)</source>
        <translation>未找到 NVIDIA 驱动（未安装 NVML 库）</translation>
    </message>
    <message>
        <source>no catalogue model reaches {tps} t/s here</source>
        <translation>目录中没有模型能在这里达到 {tps} t/s</translation>
    </message>
    <message>
        <source>no data for {seconds:.0f} s (stalled)</source>
        <translation>{seconds:.0f} 秒没有收到数据（已停滞）</translation>
    </message>
    <message>
        <source>no driver answered</source>
        <translation>没有驱动响应</translation>
    </message>
    <message>
        <source>no entries</source>
        <translation>没有条目</translation>
    </message>
    <message>
        <source>no model is loaded</source>
        <translation>没有加载模型</translation>
    </message>
    <message>
        <source>no usable GPU found: runs on the CPU</source>
        <translation>没有找到可用的 GPU：在 CPU 上运行</translation>
    </message>
    <message>
        <source>not available from this driver</source>
        <translation>此驱动不提供</translation>
    </message>
    <message>
        <source>not available on this system</source>
        <translation>此系统上不可用</translation>
    </message>
    <message>
        <source>not available on this system ({kind})</source>
        <translation>此系统上不可用（{kind}）</translation>
    </message>
    <message>
        <source>not measured yet (modelnest probe --measure)</source>
        <translation>尚未测量（modelnest probe --measure）</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>未报告</translation>
    </message>
    <message>
        <source>not supported by this GPU or driver</source>
        <translation>此 GPU 或驱动不支持</translation>
    </message>
    <message>
        <source>only {free} of memory was free just before</source>
        <translation>在此之前只有 {free} 可用内存</translation>
    </message>
    <message>
        <source>open the chat history</source>
        <translation>打开聊天记录</translation>
    </message>
    <message>
        <source>part {part}: {problem}</source>
        <translation>分片 {part}：{problem}</translation>
    </message>
    <message>
        <source>partly on the GPU</source>
        <translation>部分在 GPU 上</translation>
    </message>
    <message>
        <source>permission denied by the driver</source>
        <translation>驱动拒绝了访问</translation>
    </message>
    <message>
        <source>power brake</source>
        <translation>功率制动</translation>
    </message>
    <message>
        <source>power limit</source>
        <translation>功率限制</translation>
    </message>
    <message>
        <source>prompt must be one string (token lists and batches are not supported).</source>
        <translation>prompt 必须是一个字符串（不支持 token 列表和批量）。</translation>
    </message>
    <message>
        <source>prompt {rate:.1f} t/s</source>
        <translation>提示词 {rate:.1f} t/s</translation>
    </message>
    <message>
        <source>psutil could not read memory ({kind})</source>
        <translation>psutil 无法读取内存（{kind}）</translation>
    </message>
    <message>
        <source>psutil could not read swap ({kind})</source>
        <translation>psutil 无法读取交换空间（{kind}）</translation>
    </message>
    <message>
        <source>psutil is not available</source>
        <translation>psutil 不可用</translation>
    </message>
    <message>
        <source>quantized KV cache (q8_0)</source>
        <translation>量化的 KV 缓存（q8_0）</translation>
    </message>
    <message>
        <source>re-reading {size} already downloaded</source>
        <translation>正在重新读取已下载的 {size}</translation>
    </message>
    <message>
        <source>read the chat history</source>
        <translation>读取聊天记录</translation>
    </message>
    <message>
        <source>read the conversation</source>
        <translation>读取对话</translation>
    </message>
    <message>
        <source>read the list of conversations</source>
        <translation>读取对话列表</translation>
    </message>
    <message>
        <source>reading memory failed ({kind}: {error})</source>
        <translation>读取内存失败（{kind}：{error}）</translation>
    </message>
    <message>
        <source>reading the CPU failed ({kind}: {error})</source>
        <translation>读取 CPU 信息失败（{kind}：{error}）</translation>
    </message>
    <message>
        <source>recover interrupted replies</source>
        <translation>恢复被中断的回复</translation>
    </message>
    <message>
        <source>registry unreadable ({error})</source>
        <translation>无法读取注册表（{error}）</translation>
    </message>
    <message>
        <source>repeat {value}</source>
        <translation>重复惩罚 {value}</translation>
    </message>
    <message>
        <source>reply statistics</source>
        <translation>回复统计</translation>
    </message>
    <message>
        <source>reported by the driver for {gpu}</source>
        <translation>由 {gpu} 的驱动报告</translation>
    </message>
    <message>
        <source>resuming {file} from {size}</source>
        <translation>从 {size} 处继续下载 {file}</translation>
    </message>
    <message>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>routed experts of more layers in system RAM ({old} → {new} layers)</source>
        <translation>把更多层的路由专家放到系统内存（{old} → {new} 层）</translation>
    </message>
    <message>
        <source>runs {name} {quant} comfortably, {speed} predicted</source>
        <translation>可流畅运行 {name} {quant}，预计 {speed}</translation>
    </message>
    <message>
        <source>runs {name}, {active} active, {quant} comfortably, {speed} predicted</source>
        <translation>可流畅运行 {name}（激活 {active}）{quant}，预计 {speed}</translation>
    </message>
    <message>
        <source>save the finished reply</source>
        <translation>保存已完成的回复</translation>
    </message>
    <message>
        <source>save the message</source>
        <translation>保存消息</translation>
    </message>
    <message>
        <source>save the reply</source>
        <translation>保存回复</translation>
    </message>
    <message>
        <source>save your message</source>
        <translation>保存你的消息</translation>
    </message>
    <message>
        <source>seed {value}</source>
        <translation>随机种子 {value}</translation>
    </message>
    <message>
        <source>server error {status}</source>
        <translation>服务器错误 {status}</translation>
    </message>
    <message>
        <source>shares system memory ({source})</source>
        <translation>与系统共用内存（{source}）</translation>
    </message>
    <message>
        <source>smaller context ({old} → {new} tokens)</source>
        <translation>更小的上下文（{old} → {new} token）</translation>
    </message>
    <message>
        <source>split model is incomplete: {found} of {count} parts found</source>
        <translation>分片模型不完整：只找到 {count} 个分片中的 {found} 个</translation>
    </message>
    <message>
        <source>start saving the reply</source>
        <translation>开始保存回复</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>stop may hold at most {n} sequences.</source>
        <translation>stop 最多可包含 {n} 个序列。</translation>
    </message>
    <message>
        <source>stop must be a string or a list of strings.</source>
        <translation>stop 必须是字符串或字符串列表。</translation>
    </message>
    <message>
        <source>stream_options is only allowed when stream is true.</source>
        <translation>只有 stream 为 true 时才允许 stream_options。</translation>
    </message>
    <message>
        <source>stream_options must be an object.</source>
        <translation>stream_options 必须是对象。</translation>
    </message>
    <message>
        <source>sysctl is not available</source>
        <translation>sysctl 不可用</translation>
    </message>
    <message>
        <source>sysctl machdep.cpu.features is empty</source>
        <translation>sysctl machdep.cpu.features 为空</translation>
    </message>
    <message>
        <source>system memory size unknown</source>
        <translation>系统内存大小未知</translation>
    </message>
    <message>
        <source>system prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>table figure</source>
        <translation>表格数值</translation>
    </message>
    <message>
        <source>table figure for {chip}</source>
        <translation>{chip} 的表格数值</translation>
    </message>
    <message>
        <source>table figure for {chip} ({memory})</source>
        <translation>{chip}（{memory}）的表格数值</translation>
    </message>
    <message>
        <source>table figure for {gpu}</source>
        <translation>{gpu} 的表格数值</translation>
    </message>
    <message>
        <source>table: {chip} ({memory})</source>
        <translation>表格：{chip}（{memory}）</translation>
    </message>
    <message>
        <source>table: {chip} ({memory}, {bits}-bit)</source>
        <translation>表格：{chip}（{memory}，{bits} 位）</translation>
    </message>
    <message>
        <source>table: {chip}, typical memory ({memory})</source>
        <translation>表格：{chip}，典型内存（{memory}）</translation>
    </message>
    <message>
        <source>temp {value}</source>
        <translation>温度 {value}</translation>
    </message>
    <message>
        <source>tensor #{index} has an empty name</source>
        <translation>第 {index} 个张量的名称为空</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; appears twice</source>
        <translation>张量“{name}”出现了两次</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; ends at byte {end:,}, past the end of the file ({size:,} bytes): the file is truncated or damaged</source>
        <translation>张量“{name}”结束于第 {end:,} 字节，超出了文件末尾（{size:,} 字节）：文件被截断或已损坏</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has a malformed layer number in its name</source>
        <translation>张量“{name}”名称中的层号格式错误</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has a zero or negative dimension {shape}</source>
        <translation>张量“{name}”有为零或负数的维度 {shape}</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has an unknown or unsupported tensor type id {type_id}</source>
        <translation>张量“{name}”的张量类型 ID {type_id} 未知或不受支持</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has dimensions {shape} whose product overflows</source>
        <translation>张量“{name}”的维度 {shape} 相乘会溢出</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has rows of {n} values, not a multiple of {type}&apos;s block of {block}</source>
        <translation>张量“{name}”每行有 {n} 个值，不是 {type} 块大小 {block} 的倍数</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; has {n} dimensions (1 to {max} allowed)</source>
        <translation>张量“{name}”有 {n} 个维度（允许 1 到 {max} 个）</translation>
    </message>
    <message>
        <source>tensor &apos;{name}&apos; starts at offset {offset}, not aligned to {alignment} bytes</source>
        <translation>张量“{name}”起始于偏移 {offset}，没有按 {alignment} 字节对齐</translation>
    </message>
    <message>
        <source>tensors &apos;{first}&apos; and &apos;{second}&apos; overlap in the file</source>
        <translation>张量“{first}”和“{second}”在文件中重叠</translation>
    </message>
    <message>
        <source>the GGUF version</source>
        <translation>GGUF 版本</translation>
    </message>
    <message>
        <source>the GPU build loaded only {n} layers on {gpu}</source>
        <translation>GPU 版本只在 {gpu} 上加载了 {n} 层</translation>
    </message>
    <message>
        <source>the GPU could not be measured: {error}</source>
        <translation>无法测量 GPU：{error}</translation>
    </message>
    <message>
        <source>the GPU needs a reset; restart the computer</source>
        <translation>GPU 需要重置；请重新启动电脑</translation>
    </message>
    <message>
        <source>the GPU reports it is slowing down because it is too hot</source>
        <translation>GPU 报告因温度过高而降速</translation>
    </message>
    <message>
        <source>the GPU stopped responding (“GPU is lost”); restart the computer</source>
        <translation>GPU 停止响应（“GPU is lost”）；请重新启动电脑</translation>
    </message>
    <message>
        <source>the NVIDIA driver could not be queried (see GPU problems)</source>
        <translation>无法查询 NVIDIA 驱动（见 GPU 问题）</translation>
    </message>
    <message>
        <source>the NVIDIA driver is installed but not running (check Secure Boot or restart the computer)</source>
        <translation>NVIDIA 驱动已安装但没有运行（请检查安全启动，或重新启动电脑）</translation>
    </message>
    <message>
        <source>the NVIDIA driver was updated but the old one is still loaded; restart the computer</source>
        <translation>NVIDIA 驱动已更新，但旧驱动仍在运行；请重新启动电脑</translation>
    </message>
    <message>
        <source>the Ollama blob this manifest names is missing</source>
        <translation>此清单指向的 Ollama 数据块不存在</translation>
    </message>
    <message>
        <source>the benchmark could not run ({kind})</source>
        <translation>测速无法运行（{kind}）</translation>
    </message>
    <message>
        <source>the chat template crashed the process that renders it (exit code {code})</source>
        <translation>聊天模板使渲染它的进程崩溃（退出代码 {code}）</translation>
    </message>
    <message>
        <source>the chat template does not compile ({error})</source>
        <translation>聊天模板无法编译（{error}）</translation>
    </message>
    <message>
        <source>the chat template failed ({error})</source>
        <translation>聊天模板出错（{error}）</translation>
    </message>
    <message>
        <source>the chat template is {length} characters long (the limit is {limit})</source>
        <translation>聊天模板长 {length} 个字符（上限为 {limit}）</translation>
    </message>
    <message>
        <source>the chat template needed more than {mib} MiB of memory to render</source>
        <translation>聊天模板渲染时需要超过 {mib} MiB 内存</translation>
    </message>
    <message>
        <source>the chat template produced more than {limit} characters</source>
        <translation>聊天模板生成了超过 {limit} 个字符</translation>
    </message>
    <message>
        <source>the chat template took longer than {seconds:g} seconds to render</source>
        <translation>聊天模板渲染超过了 {seconds:g} 秒</translation>
    </message>
    <message>
        <source>the chat template tried something unsafe ({error})</source>
        <translation>聊天模板尝试了不安全的操作（{error}）</translation>
    </message>
    <message>
        <source>the connection ended after {done} of {total}</source>
        <translation>连接在传输 {done}（共 {total}）后中断</translation>
    </message>
    <message>
        <source>the conversation cannot be passed to the chat template ({error})</source>
        <translation>无法将对话传给聊天模板（{error}）</translation>
    </message>
    <message>
        <source>the conversation is {tokens:,} tokens long, more than the context of {ctx:,} tokens; start a new conversation or load the model with a longer context</source>
        <translation>对话长 {tokens:,} token，超过了 {ctx:,} token 的上下文；请新建对话，或以更长的上下文加载模型</translation>
    </message>
    <message>
        <source>the data offset of tensor &apos;{name}&apos;</source>
        <translation>张量“{name}”的数据偏移</translation>
    </message>
    <message>
        <source>the database reported: {error}</source>
        <translation>数据库报告：{error}</translation>
    </message>
    <message>
        <source>the device disappeared from sysfs</source>
        <translation>设备已从 sysfs 中消失</translation>
    </message>
    <message>
        <source>the dimension count of tensor &apos;{name}&apos;</source>
        <translation>张量“{name}”的维数</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>the driver did not answer in time</source>
        <translation>驱动没有及时响应</translation>
    </message>
    <message>
        <source>the driver did not record its memory size</source>
        <translation>驱动没有记录显存大小</translation>
    </message>
    <message>
        <source>the driver does not report VRAM in sysfs (mem_info_vram_total)</source>
        <translation>驱动没有在 sysfs 中报告显存（mem_info_vram_total）</translation>
    </message>
    <message>
        <source>the driver ran out of memory</source>
        <translation>驱动内存不足</translation>
    </message>
    <message>
        <source>the element type of {field}</source>
        <translation>{field}的元素类型</translation>
    </message>
    <message>
        <source>the file does not say how many layers the model has (&apos;{field}&apos; is missing)</source>
        <translation>文件没有说明模型有多少层（缺少“{field}”）</translation>
    </message>
    <message>
        <source>the file does not say which model architecture it holds (&apos;{field}&apos; is missing)</source>
        <translation>文件没有说明其中是哪种模型架构（缺少“{field}”）</translation>
    </message>
    <message>
        <source>the file ends at byte {size:,} while reading {field} (it is truncated or damaged)</source>
        <translation>读取{field}时文件在第 {size:,} 字节处结束（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>the file ends early while reading {field} (it is truncated or damaged)</source>
        <translation>读取{field}时文件提前结束（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>the file ends inside the header padding (it is truncated)</source>
        <translation>文件在文件头填充区内结束（文件被截断）</translation>
    </message>
    <message>
        <source>the file holds no tensors, so it is not a model that can be run</source>
        <translation>文件中没有张量，因此不是可运行的模型</translation>
    </message>
    <message>
        <source>the file is empty (0 bytes)</source>
        <translation>文件是空的（0 字节）</translation>
    </message>
    <message>
        <source>the file is only {size} bytes long, too short to be a GGUF model</source>
        <translation>文件只有 {size} 字节，太短，不可能是 GGUF 模型</translation>
    </message>
    <message>
        <source>the file signature</source>
        <translation>文件签名</translation>
    </message>
    <message>
        <source>the header claims {count:,} metadata entries, more than the file could hold (the file is truncated, damaged or hostile)</source>
        <translation>文件头声称有 {count:,} 个元数据条目，超出了文件能容纳的数量（文件被截断、已损坏或是恶意文件）</translation>
    </message>
    <message>
        <source>the header claims {count:,} tensors, more than the file could hold (the file is truncated, damaged or hostile)</source>
        <translation>文件头声称有 {count:,} 个张量，超出了文件能容纳的数量（文件被截断、已损坏或是恶意文件）</translation>
    </message>
    <message>
        <source>the history file cannot be opened (check that its folder exists and is writable)</source>
        <translation>无法打开聊天记录文件（请检查其文件夹是否存在且可写）</translation>
    </message>
    <message>
        <source>the history file cannot be written (check its permissions)</source>
        <translation>无法写入聊天记录文件（请检查其权限）</translation>
    </message>
    <message>
        <source>the history file is damaged; restart ModelNest to set it aside and start a fresh one</source>
        <translation>聊天记录文件已损坏；请重新启动 ModelNest，它会将其移到一旁并新建一个</translation>
    </message>
    <message>
        <source>the hub answered {status} while reading the header of {url}</source>
        <translation>读取 {url} 的文件头时 Hub 返回了 {status}</translation>
    </message>
    <message>
        <source>the inputs must be a non-empty list of texts</source>
        <translation>输入必须是非空的文本列表</translation>
    </message>
    <message>
        <source>the installed NVIDIA driver is too old for this query</source>
        <translation>已安装的 NVIDIA 驱动太旧，不支持此查询</translation>
    </message>
    <message>
        <source>the kernel log records that it killed the engine for lack of memory</source>
        <translation>内核日志记录了它因内存不足而终止了引擎</translation>
    </message>
    <message>
        <source>the length of {field}</source>
        <translation>{field}的长度</translation>
    </message>
    <message>
        <source>the metadata count</source>
        <translation>元数据数量</translation>
    </message>
    <message>
        <source>the model needs {need}, more than the {free} that was free</source>
        <translation>模型需要 {need}，超过了可用的 {free}</translation>
    </message>
    <message>
        <source>the name of tensor #{index}</source>
        <translation>第 {index} 个张量的名称</translation>
    </message>
    <message>
        <source>the name of tensor #{index} contains control characters</source>
        <translation>第 {index} 个张量的名称含有控制字符</translation>
    </message>
    <message>
        <source>the operating system blocked the request</source>
        <translation>操作系统阻止了该请求</translation>
    </message>
    <message>
        <source>the parts of this split model hold {found} tensors, but part 1 declares {declared}</source>
        <translation>此分片模型的各分片共有 {found} 个张量，但第 1 个分片声明的是 {declared} 个</translation>
    </message>
    <message>
        <source>the process that renders chat templates safely could not be started ({error})</source>
        <translation>无法启动安全渲染聊天模板的进程（{error}）</translation>
    </message>
    <message>
        <source>the server answered a different range ({range!r})</source>
        <translation>服务器返回了不同的范围（{range!r}）</translation>
    </message>
    <message>
        <source>the server cannot resume; restarting from zero</source>
        <translation>服务器不支持续传；从头开始</translation>
    </message>
    <message>
        <source>the server is rate-limiting (429)</source>
        <translation>服务器正在限流（429）</translation>
    </message>
    <message>
        <source>the server refused the resume range; restarting from zero</source>
        <translation>服务器拒绝了续传范围；从头开始</translation>
    </message>
    <message>
        <source>the system did not report CPU flags</source>
        <translation>系统没有报告 CPU 标志</translation>
    </message>
    <message>
        <source>the system did not report it</source>
        <translation>系统没有报告</translation>
    </message>
    <message>
        <source>the system&apos;s memory controller recorded {count} out-of-memory kill(s)</source>
        <translation>系统的内存控制器记录了 {count} 次内存不足终止</translation>
    </message>
    <message>
        <source>the tensor count</source>
        <translation>张量数量</translation>
    </message>
    <message>
        <source>the type of &apos;{key}&apos;</source>
        <translation>“{key}”的类型</translation>
    </message>
    <message>
        <source>the type of tensor &apos;{name}&apos;</source>
        <translation>张量“{name}”的类型</translation>
    </message>
    <message>
        <source>there is not enough memory for an embedding context of {n:,} tokens</source>
        <translation>内存不足，无法创建 {n:,} token 的嵌入上下文</translation>
    </message>
    <message>
        <source>thermal (driver)</source>
        <translation>过热（驱动）</translation>
    </message>
    <message>
        <source>thermal (hardware)</source>
        <translation>过热（硬件）</translation>
    </message>
    <message>
        <source>this GGUF file is big-endian; this computer needs the little-endian version of the model</source>
        <translation>此 GGUF 文件是大端格式；本机需要该模型的小端版本</translation>
    </message>
    <message>
        <source>this chip is not in our table and the memory has not been measured yet</source>
        <translation>此芯片不在我们的表中，且内存尚未测量</translation>
    </message>
    <message>
        <source>this is not a GGUF file (it does not start with &apos;GGUF&apos;)</source>
        <translation>这不是 GGUF 文件（它不是以“GGUF”开头）</translation>
    </message>
    <message>
        <source>this nvidia-ml-py version lacks the call</source>
        <translation>此 nvidia-ml-py 版本没有该调用</translation>
    </message>
    <message>
        <source>title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>top_p must be greater than 0.</source>
        <translation>top_p 必须大于 0。</translation>
    </message>
    <message>
        <source>typical figure for {chip} ({memory})</source>
        <translation>{chip}（{memory}）的典型数值</translation>
    </message>
    <message>
        <source>unexpected error ({kind}: {error})</source>
        <translation>意外错误（{kind}：{error}）</translation>
    </message>
    <message>
        <source>unified memory; the GPU may use {how}</source>
        <translation>统一内存；GPU 可用量按 {how}</translation>
    </message>
    <message>
        <source>unknown NVML error</source>
        <translation>未知的 NVML 错误</translation>
    </message>
    <message>
        <source>unreadable Ollama manifest: {error}</source>
        <translation>无法读取 Ollama 清单：{error}</translation>
    </message>
    <message>
        <source>unsupported GGUF version {version} (this app reads versions 2 and 3)</source>
        <translation>不支持的 GGUF 版本 {version}（本应用可读取版本 2 和 3）</translation>
    </message>
    <message>
        <source>update the conversation</source>
        <translation>更新对话</translation>
    </message>
    <message>
        <source>weights per layer estimated from the file size (no tensor table read)</source>
        <translation>每层权重根据文件大小估算（未读取张量表）</translation>
    </message>
    <message>
        <source>weights read from memory</source>
        <translation>从内存读取权重</translation>
    </message>
    <message>
        <source>{benchmark}, developer&apos;s blog</source>
        <translation>{benchmark}，开发者博客</translation>
    </message>
    <message>
        <source>{benchmark}, leaderboard</source>
        <translation>{benchmark}，排行榜</translation>
    </message>
    <message>
        <source>{benchmark}, model card</source>
        <translation>{benchmark}，模型卡</translation>
    </message>
    <message>
        <source>{benchmark}, technical report</source>
        <translation>{benchmark}，技术报告</translation>
    </message>
    <message>
        <source>{benchmark}, {source}</source>
        <translation>{benchmark}，{source}</translation>
    </message>
    <message>
        <source>{comfortable}; no catalogue model fits</source>
        <translation>{comfortable}；目录中没有放得下的模型</translation>
    </message>
    <message>
        <source>{comfortable}; the largest it can load is {name} {quant}, {speed} predicted</source>
        <translation>{comfortable}；能加载的最大模型是 {name} {quant}，预计 {speed}</translation>
    </message>
    <message>
        <source>{endpoint} answered {status} for {file}.</source>
        <translation>{endpoint} 对 {file} 返回了 {status}。</translation>
    </message>
    <message>
        <source>{endpoint} answered {status} for {repo}.</source>
        <translation>{endpoint} 对 {repo} 返回了 {status}。</translation>
    </message>
    <message>
        <source>{endpoint} asks for a login to download {file}: set HF_TOKEN or run `hf auth login`.</source>
        <translation>{endpoint} 需要登录才能下载 {file}：请设置 HF_TOKEN 或运行 `hf auth login`。</translation>
    </message>
    <message>
        <source>{endpoint} asks for a login to see {repo}: set HF_TOKEN or run `hf auth login`.</source>
        <translation>{endpoint} 需要登录才能查看 {repo}：请设置 HF_TOKEN 或运行 `hf auth login`。</translation>
    </message>
    <message>
        <source>{endpoint} is rate-limiting requests (429). Wait a few minutes and try again.</source>
        <translation>{endpoint} 正在限制请求频率（429）。请等几分钟再试。</translation>
    </message>
    <message>
        <source>{env} is too short: use at least {n} characters.</source>
        <translation>{env} 太短：至少需要 {n} 个字符。</translation>
    </message>
    <message>
        <source>{explanation} {advice}</source>
        <translation>{explanation}{advice}</translation>
    </message>
    <message>
        <source>{field} claims {count:,} elements, more than the file could hold (the file is truncated, damaged or hostile)</source>
        <translation>{field}声称有 {count:,} 个元素，超出了文件能容纳的数量（文件被截断、已损坏或是恶意文件）</translation>
    </message>
    <message>
        <source>{field} claims {length:,} bytes, more than the file could hold (the file is truncated, damaged or hostile)</source>
        <translation>{field}声称有 {length:,} 字节，超出了文件能容纳的数量（文件被截断、已损坏或是恶意文件）</translation>
    </message>
    <message>
        <source>{field} has an unknown element type id {type_id}</source>
        <translation>{field}的元素类型 ID {type_id} 未知</translation>
    </message>
    <message>
        <source>{field} has an unknown value type id {type_id}</source>
        <translation>{field}的值类型 ID {type_id} 未知</translation>
    </message>
    <message>
        <source>{field} is an array of arrays, which llama.cpp does not accept</source>
        <translation>{field}是数组的数组，llama.cpp 不接受</translation>
    </message>
    <message>
        <source>{file} has no readable description; it can only be deleted.</source>
        <translation>{file} 没有可读的描述信息；只能删除它。</translation>
    </message>
    <message>
        <source>{file} is already being downloaded by another ModelNest (process {pid} on {host}); wait for it to finish.</source>
        <translation>另一个 ModelNest（{host} 上的进程 {pid}）正在下载 {file}；请等它完成。</translation>
    </message>
    <message>
        <source>{file} is already being downloaded by another ModelNest; wait for it to finish.</source>
        <translation>另一个 ModelNest 正在下载 {file}；请等它完成。</translation>
    </message>
    <message>
        <source>{file} is damaged: its {kind} is {actual}…, the hub says {expected}…. The downloaded file was deleted; try again (if it happens again, the mirror may be serving a bad copy).</source>
        <translation>{file} 已损坏：它的 {kind} 为 {actual}…，而 Hub 给出的是 {expected}…。已删除下载的文件；请重试（如果再次发生，可能是镜像提供了损坏的副本）。</translation>
    </message>
    <message>
        <source>{file} is no longer on {endpoint} (404) at revision {revision}.</source>
        <translation>{endpoint} 上版本 {revision} 中已没有 {file}（404）。</translation>
    </message>
    <message>
        <source>{first} {rest}</source>
        <translation>{first}{rest}</translation>
    </message>
    <message>
        <source>{first}; {second}</source>
        <translation>{first}；{second}</translation>
    </message>
    <message>
        <source>{fit} · {speed} predicted · no published figure</source>
        <translation>{fit} · 预计 {speed} · 无公开评测数据</translation>
    </message>
    <message>
        <source>{fit} · {speed} predicted · quality {score} ({source})</source>
        <translation>{fit} · 预计 {speed} · 质量 {score}（{source}）</translation>
    </message>
    <message>
        <source>{folder} is on a {filesystem} file system, which cannot hold files over 4 GB; most models are bigger. Choose a folder on another drive.</source>
        <translation>{folder} 位于 {filesystem} 文件系统上，无法存放超过 4 GB 的文件；大多数模型都更大。请选择其他磁盘上的文件夹。</translation>
    </message>
    <message>
        <source>{found}: using the {build} build.</source>
        <translation>{found}：使用 {build} 版本。</translation>
    </message>
    <message>
        <source>{free} of memory was free just before, so lack of memory is not the likely cause. Load the model again.</source>
        <translation>在此之前有 {free} 可用内存，因此内存不足不太可能是原因。请重新加载模型。</translation>
    </message>
    <message>
        <source>{gpu} found</source>
        <translation>找到 {gpu}</translation>
    </message>
    <message>
        <source>{gpu} is not in our table of Apple chips</source>
        <translation>{gpu} 不在我们的 Apple 芯片表中</translation>
    </message>
    <message>
        <source>{gpu} measured on this computer (speed test of {date})</source>
        <translation>{gpu} 已在本机测得（{date} 的测速）</translation>
    </message>
    <message>
        <source>{head} · {tail}</source>
        <translation>{head} · {tail}</translation>
    </message>
    <message>
        <source>{head}, {tail}</source>
        <translation>{head}，{tail}</translation>
    </message>
    <message>
        <source>{host} is not an address of this computer: {error}</source>
        <translation>{host} 不是本机的地址：{error}</translation>
    </message>
    <message>
        <source>{line} · thinks first: ≈{seconds} s to a typical answer</source>
        <translation>{line} · 先思考：典型回答约需 {seconds} 秒</translation>
    </message>
    <message>
        <source>{link} (now {now_version} x{now_width}, links slow down when idle)</source>
        <translation>{link}（当前 {now_version} x{now_width}，空闲时链路会降速）</translation>
    </message>
    <message>
        <source>{name}</source>
        <translation>{name}</translation>
    </message>
    <message>
        <source>{name} does not fit in this computer&apos;s memory</source>
        <translation>{name} 放不进这台电脑的内存</translation>
    </message>
    <message>
        <source>{name} has no published {benchmark} figure</source>
        <translation>{name} 没有公开的 {benchmark} 数据</translation>
    </message>
    <message>
        <source>{name} is not in the evaluation compared here ({benchmark}, {source})</source>
        <translation>{name} 不在此处比较的评测中（{benchmark}，{source}）</translation>
    </message>
    <message>
        <source>{name} is recommended too</source>
        <translation>{name} 也在推荐之列</translation>
    </message>
    <message>
        <source>{name} must be a number.</source>
        <translation>{name} 必须是数字。</translation>
    </message>
    <message>
        <source>{name} must be a whole number.</source>
        <translation>{name} 必须是整数。</translation>
    </message>
    <message>
        <source>{name} must be between {lo} and {hi}; it was {value}.</source>
        <translation>{name} 必须在 {lo} 到 {hi} 之间；实际为 {value}。</translation>
    </message>
    <message>
        <source>{name} must be true or false.</source>
        <translation>{name} 必须是 true 或 false。</translation>
    </message>
    <message>
        <source>{name} scores lower: {score} ({source}) at the quantizations that run fast enough</source>
        <translation>{name} 得分更低：在速度足够的量化下为 {score}（{source}）</translation>
    </message>
    <message>
        <source>{name} thinks first: ≈{seconds} s to a typical answer at {speed}</source>
        <translation>{name} 会先思考：以 {speed} 计，典型回答约需 {seconds} 秒</translation>
    </message>
    <message>
        <source>{name} would run at {speed} ({quant})</source>
        <translation>{name} 只能以 {speed} 运行（{quant}）</translation>
    </message>
    <message>
        <source>{n} of {total} layers on the GPU, the rest on the CPU</source>
        <translation>{total} 层中的 {n} 层在 GPU 上，其余在 CPU 上</translation>
    </message>
    <message>
        <source>{n} of {total} layers on the GPU, the routed experts of every layer in system RAM</source>
        <translation>{total} 层中的 {n} 层在 GPU 上，每一层的路由专家都在系统内存中</translation>
    </message>
    <message>
        <source>{n} of {total} layers on the GPU; the rest run on the CPU</source>
        <translation>{total} 层中有 {n} 层在 GPU 上；其余在 CPU 上运行</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} tokens</translation>
    </message>
    <message>
        <source>{path} does not exist</source>
        <translation>{path} 不存在</translation>
    </message>
    <message>
        <source>{path} is a folder, not a GGUF file</source>
        <translation>{path} 是文件夹，不是 GGUF 文件</translation>
    </message>
    <message>
        <source>{path} is a link to a file elsewhere; remove it where it really is.</source>
        <translation>{path} 是指向其他位置文件的链接；请到文件实际所在处删除它。</translation>
    </message>
    <message>
        <source>{path} is in a store where one file can serve several models or programs ({store}); remove it with that program&apos;s own tools.</source>
        <translation>{path} 位于一个文件可供多个模型或程序共用的存储中（{store}）；请用该程序自带的工具删除它。</translation>
    </message>
    <message>
        <source>{path} is not a ModelNest catalogue snapshot (schema {schema}).</source>
        <translation>{path} 不是 ModelNest 目录快照（格式 {schema}）。</translation>
    </message>
    <message>
        <source>{path} is not a folder.</source>
        <translation>{path} 不是文件夹。</translation>
    </message>
    <message>
        <source>{path} is outside the ModelNest models folder, so it was not deleted without asking.</source>
        <translation>{path} 不在 ModelNest 模型文件夹中，因此没有在未询问的情况下删除。</translation>
    </message>
    <message>
        <source>{placement}: ~{tps} tokens/s predicted (the only split that fits)</source>
        <translation>{placement}：预测约 {tps} tokens/s（唯一放得下的分配方式）</translation>
    </message>
    <message>
        <source>{placement}: ~{tps} tokens/s predicted; {other}: ~{other_tps} tokens/s</source>
        <translation>{placement}：预测约 {tps} tokens/s；{other}：约 {other_tps} tokens/s</translation>
    </message>
    <message>
        <source>{problem}.</source>
        <translation>{problem}。</translation>
    </message>
    <message>
        <source>{problem}; it was reset to {default}.</source>
        <translation>{problem}；已重置为 {default}。</translation>
    </message>
    <message>
        <source>{reason}; retrying in {seconds:.0f} s</source>
        <translation>{reason}；{seconds:.0f} 秒后重试</translation>
    </message>
    <message>
        <source>{repo!r} is not a valid repository id: it contains &apos;..&apos;.</source>
        <translation>{repo!r} 不是有效的仓库 ID：其中含有“..”。</translation>
    </message>
    <message>
        <source>{repo!r} is not a valid repository id; expected the form owner/name (for example Qwen/Qwen2.5-0.5B-Instruct-GGUF).</source>
        <translation>{repo!r} 不是有效的仓库 ID；应为 owner/name 的形式（例如 Qwen/Qwen2.5-0.5B-Instruct-GGUF）。</translation>
    </message>
    <message>
        <source>{repo} has no GGUF files.</source>
        <translation>{repo} 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <source>{repo} has no file {file!r} and no GGUF files.</source>
        <translation>{repo} 中没有文件 {file!r}，也没有 GGUF 文件。</translation>
    </message>
    <message>
        <source>{repo} has no file {file!r}. GGUF files: {files}.</source>
        <translation>{repo} 中没有文件 {file!r}。GGUF 文件有：{files}。</translation>
    </message>
    <message>
        <source>{repo} has no {quant} file, and none of its quantizations was recognised.</source>
        <translation>{repo} 中没有 {quant} 文件，且无法识别它的任何量化类型。</translation>
    </message>
    <message>
        <source>{repo} has no {quant} file. Available: {quants}.</source>
        <translation>{repo} 中没有 {quant} 文件。可用的有：{quants}。</translation>
    </message>
    <message>
        <source>{repo} is gated: accept its license at {page} with your account, then set HF_TOKEN (or run `hf auth login`) so ModelNest can use your access.</source>
        <translation>{repo} 是受限仓库：请用你的账号在 {page} 接受其许可证，然后设置 HF_TOKEN（或运行 `hf auth login`），以便 ModelNest 使用你的访问权限。</translation>
    </message>
    <message>
        <source>{repo} lists no complete GGUF model files.</source>
        <translation>{repo} 中没有完整的 GGUF 模型文件。</translation>
    </message>
    <message>
        <source>{repo} lists {found} of the {count} parts of {model}; the model cannot be assembled.</source>
        <translation>{repo} 只列出了 {model} 的 {count} 个分片中的 {found} 个；无法组装该模型。</translation>
    </message>
    <message>
        <source>{setting} must be a finite number</source>
        <translation>{setting}必须是有限数值</translation>
    </message>
    <message>
        <source>{setting} must be a number</source>
        <translation>{setting}必须是数字</translation>
    </message>
    <message>
        <source>{setting} must be a whole number</source>
        <translation>{setting}必须是整数</translation>
    </message>
    <message>
        <source>{setting} must be between {low} and {high} (got {value})</source>
        <translation>{setting}必须在 {low} 到 {high} 之间（实际为 {value}）</translation>
    </message>
    <message>
        <source>{system} is not a supported system</source>
        <translation>{system} 不是受支持的系统</translation>
    </message>
    <message>
        <source>{text} (NVML error {code})</source>
        <translation>{text}（NVML 错误 {code}）</translation>
    </message>
    <message>
        <source>{type} weights</source>
        <translation>{type} 权重</translation>
    </message>
    <message>
        <source>{type} weights on the GPU</source>
        <translation>GPU 上的 {type} 权重</translation>
    </message>
    <message>
        <source>{url} is not a server address: use http://HOST:PORT or https://HOST.</source>
        <translation>{url} 不是服务器地址：请使用 http://HOST:PORT 或 https://HOST。</translation>
    </message>
    <message>
        <source>{variable} is set, so the engine loads {path}.</source>
        <translation>已设置 {variable}，因此引擎加载 {path}。</translation>
    </message>
    <message>
        <source>{variable}={value} asks for a {value} build, but this app has none.</source>
        <translation>{variable}={value} 要求使用 {value} 版本，但本应用没有该版本。</translation>
    </message>
    <message>
        <source>{variable}={value} is not one of auto, cpu, cuda, vulkan; ignored.</source>
        <translation>{variable}={value} 不是 auto、cpu、cuda、vulkan 之一；已忽略。</translation>
    </message>
    <message>
        <source>{what} (exit code {code}).</source>
        <translation>{what}（退出代码 {code}）。</translation>
    </message>
    <message>
        <source>{what}.</source>
        <translation>{what}。</translation>
    </message>
</context>
</TS>
