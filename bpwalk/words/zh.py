"""中文: every string a user reads, with the keys and `{fields}` of en.py (see there for where each shows).

Key caps printed on a keyboard (Enter, Esc, Backspace, Home, End, PgDn, PgUp, Ctrl) and the
names of file formats and command-line options stay as they are written on the key or typed.
"""

WORDS: dict[str, str] = {
    # -- 阶段，以及一步所在的位置 ---------------------------------------------------------------
    "phase.intro": "场景", "phase.forward": "正向传播", "phase.loss": "误差",
    "phase.backward": "反向传播", "phase.update": "参数更新", "phase.summary": "总结",
    "at.iteration": "第 {n} 轮", "at.sample": "样本 {n}", "at.final": "训练后",
    "at.short_iteration": "第{n}轮", "at.short_sample": "样本{n}",

    # -- 一步：各量从何而来 -------------------------------------------------------------------
    "step.where": "其中",
    "step.not_trained": "不训练：保持原值",
    "origin.from": "来自第 {n} 步", "origin.updated": "第 {n} 步更新", "origin.given": "已知",
    "origin.input": "输入", "origin.target": "目标值", "origin.learning_rate": "学习率",
    "origin.slope": "泄漏斜率", "origin.count": "输出个数", "origin.constant": "常数",
    "origin.parameter": "参数",

    # -- 每步标题下的说明句 ---------------------------------------------------------------------
    "prose.net": "{unit} 的输入加权和{bias}。",
    "prose.net_bias": "（加上偏置）",
    "prose.act": "{unit} 的输出：对加权和取 {f}。",
    "prose.act:softmax": "{unit} 的输出：对本层所有加权和取 softmax。",
    "prose.error": "输出 {unit} 的误差，是损失的一项。",
    "prose.loss": "本样本的损失：各输出误差之和。",
    "prose.total": "总损失：各样本损失的{how}。",
    "prose.dE_dout": "损失对 {unit} 输出的偏导。",
    "prose.path": "经由 {via} 传回 {unit} 的误差：{via} 的 δ 乘以两者之间的权重。",
    "prose.paths": "{unit} 连接下一层的每个单元，所以它的梯度是各条路径之和。",
    "prose.dact": "{f} 在 {unit} 处的导数。",
    "prose.delta": "{unit} 的 δ：经过激活函数的链式法则。",
    "prose.delta:softmax": "{unit} 的 δ：softmax 输出依赖本层所有加权和。",
    "prose.chain": "{param} 的链式法则：{loss} 对 {param} 的偏导。",
    "prose.bias:shared": "{param} 为整层共享，所以其梯度是该层各 δ 之和。",
    "prose.reduce": "总损失的梯度：各样本梯度的{how}。",
    "prose.update": "梯度下降：按学习率沿梯度反方向更新 {param}。",
    "prose.keep": "{param} 不训练：保持原值。",
    "prose.how.sum": "和", "prose.how.mean": "平均",
    "prose.rounding": "（手算舍入：每个中间结果保留 {decimals} 位小数）",

    # -- 公式里的分段函数（relu 的导数） ---------------------------------------------------------
    "formula.cases": "{cond} 时为 {then}，否则为 {other}", "formula.when": "当", "formula.otherwise": "其他",

    # -- 场景设置的名称 -------------------------------------------------------------------------
    "loss.half_sse": "½ 误差平方和", "loss.sse": "误差平方和", "loss.mse": "均方误差", "loss.cross_entropy": "交叉熵",
    "loss.binary_cross_entropy": "二元交叉熵",
    "reduction.sum": "求和", "reduction.mean": "取平均",
    "update.batch": "整批更新", "update.per_sample": "逐样本更新",
    "bias.shared": "共享", "bias.per_unit": "每单元一个",

    # -- 开场与结束画面 -------------------------------------------------------------------------
    "overview.parameters": "参数", "overview.samples": "样本", "overview.name": "名称",
    "overview.value": "值", "overview.final": "训练后", "overview.target": "目标 {name}",
    "overview.loss": "损失函数", "overview.reduction": "样本汇总", "overview.update": "更新方式",
    "overview.lr": "学习率 η", "overview.iterations": "迭代次数",
    "overview.before": "训练前总误差", "overview.after": "训练后总误差", "overview.change": "变化",
    "overview.outputs": "训练后的输出",

    # -- 网络图与分组视图 -----------------------------------------------------------------------
    "diagram.inputs": "输入层", "diagram.hidden": "隐藏层", "diagram.outputs": "输出层",
    "style.sum": "对样本求和", "style.mean": "对样本取平均",
    "style.elementwise": "⊗ 表示逐元素相乘",
    "style.reversed": "反向传播：把网络反过来运行",
    "style.forward_value": "来自正向传播", "style.backward_value": "来自反向传播",

    # -- 状态栏、输入提示与按键反馈 ------------------------------------------------------------
    "hint.next": "→ 下一步", "hint.back": "← 上一步", "hint.repeat": "n /{query}", "hint.ends": "g/G 首尾",
    "hint.phase": "[ ] 阶段", "hint.search": "/ 搜索", "hint.export": "e 导出", "hint.help": "? 帮助",
    "hint.quit": "q 退出", "hint.step": "→/← 翻步", "hint.type": "输入结果", "hint.check": "Enter 核对",
    "prompt.number": "跳到第几步：", "prompt.number_how": "Enter 跳转 · Esc 取消",
    "prompt.search_how": "Enter 搜索 · Esc 取消",
    "prompt.export": "导出", "prompt.export_seen": "已看过的步骤", "prompt.export_all": "整个讲解",
    "prompt.export_keys": "：m md  h html  t txt  s svg  j json", "prompt.export_how": "v 已看/全部 · Esc 取消",
    "nav.last_step": "已是最后一步", "nav.first_step": "已是第一步", "nav.last_phase": "已是最后一个阶段",
    "nav.first_phase": "已是第一个阶段", "nav.no_key": "没有 {key} 键：按 ? 查看帮助",
    "nav.no_step": "没有第 {n} 步：1–{count}",
    "nav.wrapped": "已从头找起：{query}", "nav.not_found": "未找到：{query}",
    "screen.more_below": "… 下面还有 {n} 行 · PgDn", "screen.end_above": "… 到底了 · 上面有 {n} 行 · PgUp",
    "export.wrote": "已写入 {path}", "export.not_written": "未写入：{error}",

    # -- 帮助：每个键的作用 -------------------------------------------------------------------
    "key.space": "空格",
    "help.title": "按键", "help.caption": "按任意键关闭",
    "help.next": "下一步", "help.back": "上一步", "help.ends": "第一步 / 最后一步",
    "help.phase": "下一个 / 上一个阶段", "help.jump": "跳到第 12 步",
    "help.search": "搜索：下一个关于 w5 的步骤（也可搜 out_o1、delta 等）",
    "help.repeat": "搜索之后：下一个 / 上一个结果", "help.scroll": "翻看超出屏幕高度的一步",
    "help.export": "导出讲解（Markdown、HTML、文本、SVG 或 JSON）", "help.redraw": "重绘屏幕",
    "help.help": "本帮助（按任意键关闭）", "help.quit": "退出",
    "help.quiz.type": "输入结果（至少 {n} 位有效数字）",
    "help.quiz.delete": "删除最后输入的字符",
    "help.quiz.enter": "核对答案；答案显示后进入下一步",
    "help.quiz.next": "下一步（结果显示后）", "help.quiz.back": "回看已做完的步骤",
    "help.quiz.ends": "第一步 / 回到当前题目",
    "help.quiz.quit": "退出并显示得分（Esc 先清除已输入的答案）",

    # -- 测验 ---------------------------------------------------------------------------------
    "quiz.your_answer": "你的答案：", "quiz.hint": "提示：代入数值",
    "quiz.empty": "先输入结果（数字 . - e），再按 Enter",
    "quiz.too_short": "请至少给出 {n} 位有效数字", "quiz.unreadable": "不是数字：{text}",
    "quiz.try_again": "✗ {answer} 不对：参考提示再试一次",
    "quiz.right": "✓ {answer}：正确", "quiz.right_second": "✓ {answer}：第二次答对",
    "quiz.missed": "✗ {answers}：正确答案是 {value}", "quiz.then": "，然后 ",
    "quiz.answer_first": "输入结果，再按 Enter", "quiz.next": "→ 下一步",
    "quiz.score": "得分", "quiz.phase": "阶段", "quiz.asked": "题数", "quiz.first": "一次答对",
    "quiz.second": "二次答对", "quiz.missed_col": "答错", "quiz.total": "合计",
    "quiz.end": "测验结束。",
    "quiz.questions": "共 {count} 题：输入每一步的结果（至少 {n} 位有效数字）；q 退出。",

    # -- bpwalk check -------------------------------------------------------------------------
    "check.key": "量", "check.where": "位置", "check.document": "文档值", "check.computed": "计算值",
    "check.verdict": "判定", "check.cause": "原因",
    "check.at_iteration": "第 {n} 轮", "check.at_sample": "样本 {n}",
    "check.nothing": "没有可核对的数：场景没有 expect: 条目",
    "check.numbers": "共 {n} 个数", "check.numbers_one": "共 {n} 个数",
    "check.all_agree": "{numbers}：全部一致", "check.summary": "{numbers}：{agree}，{disagree}",
    "check.agree": "{n} 个一致", "check.agree_one": "{n} 个一致",
    "check.disagree": "{n} 个不一致", "check.disagree_one": "{n} 个不一致",
    "check.label": "{key}（{where}）", "check.label_sep": "，",
    # 文档中不一致的数的可能原因
    "cause.unknown": "原因不明",
    "cause.carried": "沿用了 {label} = {text}（它本身就错了）",
    "cause.rounded": "{label} 舍入为 {text}（{decimals} 位小数）后继续使用",
    "cause.every_rounded": "每个中间结果都舍入到 {decimals} 位小数",
    "cause.sign": "符号反了：正确值是 {value}",
    "cause.decimal": "小数点错位：{how}（正确值是 {value}）",
    "cause.ten_large": "大了十倍", "cause.ten_small": "小了十倍",
    "cause.other_step": "误用了 {label} 的值（{value}）",
    "cause.before_update": "误用了 {name} 更新前的值（{value}）",
    "cause.slip_sign": "符号反了", "cause.slip_large": "小数点错位（大了十倍）",
    "cause.slip_small": "小数点错位（小了十倍）",
    "cause.slip_on_carried": "{value} 又写错：{slip}；而 {value} 沿用了 {label} = {text}（它本身就错了）",
    "cause.digit": "一位数字写错：{right} 写成了 {printed}（正确值是 {value}）",
    "cause.digits_swapped": "两位数字颠倒（正确值是 {value}）",
    "cause.half_dropped": "平方误差漏了 ½：E = (t − o)²，于是 ∂E/∂o = 2(o − t)",
    "cause.two_dropped_half_sse": "导数漏了因子 2：∂E/∂o = ½(o − t)，应为 o − t",
    "cause.half_dropped_derivative": "导数里漏了 ½：∂E/∂o = 2(o − t)，应为 o − t",
    "cause.two_dropped_sse": "导数漏了因子 2：∂E/∂o = o − t，应为 2(o − t)",
    "cause.half_added": "平方误差多乘了 ½：E = ½(t − o)²，应为 (t − o)²",
    "cause.two_dropped_mse": "导数漏了因子 2：∂E/∂o = (o − t)/K，应为 2(o − t)/K",
    "cause.wrong_derivative": "{symbol} 用错了值：用了 {wrong}，应为 {right}，在{where}",
    "cause.taken_at_out": "{formula}，{symbol} 在 out 处取值，应在 net 处",
    "cause.every_layer": "每个 {activation} 层", "cause.layer": "第 {n} 层",
    "cause.layer_units": "第 {n} 层（{units}）",
    "cause.then": "{cause}；然后{slip}",
    "cause.updated_weights": "隐藏层的梯度用了下一层已更新的权重",
    "cause.swapped_value": "权重下标颠倒：用了 {other} 的值，而不是 {key}",
    "cause.swapped_pair": "权重下标颠倒：{a} 与 {b} 互换",
    "cause.transposed": "权重下标颠倒：第 {n} 层的权重矩阵被转置",

    # -- bpwalk train -------------------------------------------------------------------------
    "train.title": "{title} · {n} 轮迭代", "train.title_one": "{title} · {n} 轮迭代",
    "train.loss": "总误差  ", "train.curve": "每轮的总误差", "train.progress": "训练中",
    "train.sample": "样本", "train.parameters": "参数", "train.name": "名称",
    "train.initial": "初始值", "train.trained": "训练后", "train.outputs": "训练后的输出",
    "train.more": "… 另有 {n} 个{what}未列出：用 --json 或 --csv 查看全部",
    "train.more_parameters": "参数", "train.more_samples": "样本", "train.more_outputs": "输出",
    "train.more_snapshots": "快照",
    "train.snapshots": "快照",
    "train.snapshots_note": "每行：该轮更新后的参数，以及用这些参数算出的总误差（初始：最初的参数）",
    "train.per_sample_note": "更新方式为逐样本更新：这里的误差是用这些参数对每个样本各做一次正向传播的结果，"
                             "而不是一轮中边更新边累加的和",
    "train.after_iteration": "第几轮\n之后", "train.loss_with": "用这些参数\n算出的\n总误差",
    "train.start": "初始",
    "plot.log": "（对数坐标）", "plot.updates": "已做的更新次数", "plot.loss": "误差",

    # -- 导出的文档：Markdown、HTML、LaTeX、Beamer ---------------------------------------------
    "doc.network": "网络", "doc.parameters": "参数", "doc.samples": "样本",
    "doc.iteration": "第 {n} 轮", "doc.final": "训练后",
    "doc.layer": "层", "doc.units": "单元", "doc.activation": "激活函数", "doc.weights": "权重",
    "doc.bias": "偏置", "doc.inputs": "输入", "doc.name": "名称", "doc.value": "值", "doc.after": "训练后",
    "doc.trained": "训练", "doc.yes": "是", "doc.no": "否", "doc.targets": "目标值", "doc.step": "第 {n} 步",
    "doc.before": "训练前总误差", "doc.loss_after": "训练后总误差", "doc.outputs": "训练后的输出",
    "doc.none": "无", "doc.bias_mode": "{names}（{mode}）", "doc.phase_sample": "{phase}（{sample}）",
    "doc.settings": "损失函数：{loss}，样本汇总：{reduction}，更新方式：{update}，"
                    "学习率 η = {lr}，迭代次数：{iterations}",
    "doc.contents": "目录", "doc.diagram": "网络图", "doc.loss_curve": "每次更新后的总误差",
    "tex.engine_zh": "% 用 xelatex 编译（中文文档：需要 xeCJK，以及 Noto CJK 或 Fandol 字体）。",
    "tex.engine_unicode": "% 用 xelatex 编译才能印出其中的中文（xeCJK）；pdflatex 也能编译，\n"
                          "% 中文处印成 [...]。",
    "tex.engine": "% 用 pdflatex（或 xelatex）编译。",
    "tex.article_fragment": "（LaTeX 文章的正文，供 {input} 插入）",
    "tex.article_needs": "% 需要 {packages}（要链接可跳转，还需 hyperref）。",
    "tex.beamer_fragment": "（Beamer 幻灯片，每步一页，供 {input} 插入讲稿）",
    "tex.beamer_needs": "% 讲稿的导言区需要 {tikz}。",
    "tex.beamer_lecture": "% 用于讲课：复制下面两条标记行之间的幻灯片，或者单独写出它们：\n"
                          "% `{command}`，再用 {input} 插入。",
}
