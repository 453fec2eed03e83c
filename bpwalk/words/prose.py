"""One sentence per step saying what it computes, in English or Chinese.

The terminal shows it under the heading; the Markdown and HTML transcripts read like the
seed documents because of it. An activation's or a loss's step says the words of its registry
entry ({f}), or the entry's own sentence for that kind of step (softmax's, for one).
"""

from __future__ import annotations

from typing import Mapping, TypeVar

from bpwalk.formula.notation import Notation
from bpwalk.engine.steps import Step
from bpwalk.ops import ACTIVATIONS, LOSSES

# the step kinds whose variant (after the colon) names an activation, or a loss
ACTIVATION_KINDS = ("act", "dact", "delta")
LOSS_KINDS = ("error", "dE_dout")
T = TypeVar("T")

SENTENCES = {
    "en": {
        "net": "The weighted sum of the inputs of {unit}{bias}.",
        "net_bias": " plus its bias",
        "act": "The output of {unit}: the {f} of its weighted sum.",
        "error": "The error of output {unit}, one term of the loss.",
        "loss": "The loss of this sample: the sum of the output errors.",
        "total": "The total loss: the {how} of the samples' losses.",
        "dE_dout": "How the loss changes with the output of {unit}.",
        "path": "The error that reaches {unit} through {via}: δ of {via} times the weight between them.",
        "paths": "{unit} feeds every unit of the next layer, so its gradient is the sum over those paths.",
        "dact": "The derivative of the {f} at {unit}.",
        "delta": "δ of {unit}: the chain rule through its activation.",
        "chain": "The chain rule for {param}: how {loss} changes with {param}.",
        "bias:shared": "{param} is shared by its layer, so its gradient is the sum of the layer's δ.",
        "reduce": "The gradient of the total loss: the {how} of the samples' gradients.",
        "update": "Gradient descent: move {param} against its gradient, by the learning rate.",
        "keep": "{param} is not trained: it keeps its value.",
        "sum": "sum", "mean": "mean",
    },
    "zh": {
        "net": "{unit} 的输入加权和{bias}。",
        "net_bias": "（加上偏置）",
        "act": "{unit} 的输出：对加权和取 {f}。",
        "error": "输出 {unit} 的误差，是损失的一项。",
        "loss": "本样本的损失：各输出误差之和。",
        "total": "总损失：各样本损失的{how}。",
        "dE_dout": "损失对 {unit} 输出的偏导。",
        "path": "经由 {via} 传回 {unit} 的误差：{via} 的 δ 乘以两者之间的权重。",
        "paths": "{unit} 连接下一层的每个单元，所以它的梯度是各条路径之和。",
        "dact": "{f} 在 {unit} 处的导数。",
        "delta": "{unit} 的 δ：经过激活函数的链式法则。",
        "chain": "{param} 的链式法则：{loss} 对 {param} 的偏导。",
        "bias:shared": "{param} 为整层共享，所以其梯度是该层各 δ 之和。",
        "reduce": "总损失的梯度：各样本梯度的{how}。",
        "update": "梯度下降：按学习率沿梯度反方向更新 {param}。",
        "keep": "{param} 不训练：保持原值。",
        "sum": "和", "mean": "平均",
    },
}


def describe(step: Step, notation: Notation, lang: str = "en") -> str:
    """A sentence for the step, or "" for the intro and summary."""
    words = SENTENCES.get(lang, SENTENCES["en"])
    kind, _, variant = step.rule.partition(":")
    sentence, f = _own_sentence(kind, variant, lang)
    if sentence is None:
        key = step.rule if step.rule in words else kind
        if key not in words:
            return ""
        sentence = words[key]
    unit = step.subject
    via = step.quantity.split("@", 1)[1] if "@" in step.quantity else ""
    loss = notation.text("total_loss") if step.sample is None or not notation.multi_sample else notation.text("loss", step.sample)
    return sentence.format(
        unit=unit,
        via=via,
        f=f,
        bias=words["net_bias"] if step.rule == "net" and len(step.operands) % 2 else "",
        param=step.subject,
        how=words.get(variant, variant),
        loss=loss,
    )


def _own_sentence(kind: str, variant: str, lang: str) -> tuple[str | None, str]:
    """An activation's or loss's own sentence for this kind of step (or None), and its {f} words."""
    if kind in ACTIVATION_KINDS and variant in ACTIVATIONS:
        entry = ACTIVATIONS[variant]
        return _in(entry.sentences, lang).get(kind), _in(entry.words, lang)
    if kind in LOSS_KINDS and variant in LOSSES:
        return _in(LOSSES[variant].sentences, lang).get(kind), variant
    return None, variant


def _in(table: Mapping[str, T], lang: str) -> T:
    """The language's entry of a table by language, or the English one."""
    return table[lang] if lang in table else table.get("en", {})  # type: ignore[return-value]


def rounding_note(decimals: int, lang: str = "en") -> str:
    """What the screen and the transcripts say when --round N is on."""
    if lang == "zh":
        return f"（手算舍入：每个中间结果保留 {decimals} 位小数）"
    return f"(textbook rounding: every intermediate rounded to {decimals} decimals)"
