"""English: every string a user reads on a screen or in a transcript (zh.py has the same keys).

Keys are grouped by where the string shows; `{fields}` are filled in by `bpwalk.words.say`.
"""

WORDS: dict[str, str] = {
    # -- the phases of a walk-through, and where a step belongs --------------------------------
    "phase.intro": "Scenario", "phase.forward": "Forward pass", "phase.loss": "Loss",
    "phase.backward": "Backward pass", "phase.update": "Update", "phase.summary": "Summary",
    "at.iteration": "iteration {n}", "at.sample": "sample {n}", "at.final": "after training",
    "at.short_iteration": "it{n}", "at.short_sample": "s{n}",

    # -- a step: where its operands came from ---------------------------------------------------
    "step.where": "where",
    "step.not_trained": "not trained: keeps its value",
    "origin.from": "from step {n}", "origin.updated": "updated in step {n}", "origin.given": "given",
    "origin.input": "input", "origin.target": "target", "origin.learning_rate": "learning rate",
    "origin.slope": "leaky slope", "origin.count": "number of outputs", "origin.constant": "constant",
    "origin.parameter": "parameter",

    # -- the sentence under each step's heading (bpwalk.words.prose) -----------------------------
    "prose.net": "The weighted sum of the inputs of {unit}{bias}.",
    "prose.net_bias": " plus its bias",
    "prose.act": "The output of {unit}: the {f} of its weighted sum.",
    "prose.act:softmax": "The output of {unit}: the softmax over the weighted sums of its layer.",
    "prose.error": "The error of output {unit}, one term of the loss.",
    "prose.loss": "The loss of this sample: the sum of the output errors.",
    "prose.total": "The total loss: the {how} of the samples' losses.",
    "prose.dE_dout": "How the loss changes with the output of {unit}.",
    "prose.path": "The error that reaches {unit} through {via}: δ of {via} times the weight between them.",
    "prose.paths": "{unit} feeds every unit of the next layer, so its gradient is the sum over those paths.",
    "prose.dact": "The derivative of the {f} at {unit}.",
    "prose.delta": "δ of {unit}: the chain rule through its activation.",
    "prose.delta:softmax": "δ of {unit}: a softmax output depends on every weighted sum of its layer.",
    "prose.chain": "The chain rule for {param}: how {loss} changes with {param}.",
    "prose.bias:shared": "{param} is shared by its layer, so its gradient is the sum of the layer's δ.",
    "prose.reduce": "The gradient of the total loss: the {how} of the samples' gradients.",
    "prose.update": "Gradient descent: move {param} against its gradient, by the learning rate.",
    "prose.keep": "{param} is not trained: it keeps its value.",
    "prose.how.sum": "sum", "prose.how.mean": "mean",
    "prose.rounding": "(textbook rounding: every intermediate rounded to {decimals} decimals)",

    # -- inside a formula: a piecewise f' (relu's) -----------------------------------------------
    "formula.cases": "{then} if {cond}, else {other}", "formula.when": "for", "formula.otherwise": "otherwise",

    # -- the names of a scenario's settings, as the screen shows them ----------------------------
    "loss.half_sse": "half_sse", "loss.sse": "sse", "loss.mse": "mse", "loss.cross_entropy": "cross_entropy",
    "loss.binary_cross_entropy": "binary_cross_entropy",
    "reduction.sum": "sum", "reduction.mean": "mean",
    "update.batch": "batch", "update.per_sample": "per_sample",
    "bias.shared": "shared", "bias.per_unit": "per_unit",

    # -- the opening and closing frames ---------------------------------------------------------
    "overview.parameters": "Parameters", "overview.samples": "Samples", "overview.name": "name",
    "overview.value": "value", "overview.final": "after", "overview.target": "target {name}",
    "overview.loss": "loss", "overview.reduction": "over samples", "overview.update": "update",
    "overview.lr": "learning rate η", "overview.iterations": "iterations",
    "overview.before": "total loss before", "overview.after": "total loss after", "overview.change": "change",
    "overview.outputs": "outputs after training",

    # -- the network diagram, the grouped styles -------------------------------------------------
    "diagram.inputs": "inputs", "diagram.hidden": "hidden", "diagram.outputs": "outputs",
    "style.sum": "summed over the samples", "style.mean": "averaged over the samples",
    "style.elementwise": "⊗ multiplies element by element",
    "style.reversed": "the backward pass: the network run backwards",
    "style.forward_value": "from the forward pass", "style.backward_value": "from the backward pass",

    # -- the status line, its prompts, and the messages of one keypress --------------------------
    "hint.next": "→ next", "hint.back": "← back", "hint.repeat": "n /{query}", "hint.ends": "g/G ends",
    "hint.phase": "[ ] phase", "hint.search": "/ search", "hint.export": "e export", "hint.help": "? help",
    "hint.quit": "q quit", "hint.step": "→/← step", "hint.type": "type the result", "hint.check": "Enter check",
    "prompt.number": "go to step: ", "prompt.number_how": "Enter go · Esc cancel",
    "prompt.search_how": "Enter search · Esc cancel",
    "prompt.export": "export ", "prompt.export_seen": "steps seen so far", "prompt.export_all": "whole walk-through",
    "prompt.export_keys": ": m md  h html  t txt  s svg  j json", "prompt.export_how": "v seen/all · Esc cancel",
    "nav.last_step": "last step", "nav.first_step": "first step", "nav.last_phase": "last phase",
    "nav.first_phase": "first phase", "nav.no_key": "no key {key}: ? for help", "nav.no_step": "no step {n}: 1–{count}",
    "nav.wrapped": "wrapped: {query}", "nav.not_found": "not found: {query}",
    "screen.more_below": "… {n} more lines below · PgDn", "screen.end_above": "… end · {n} lines above · PgUp",
    "export.wrote": "wrote {path}", "export.not_written": "not written: {error}",

    # -- the help overlay: what each key does ({space} is the space bar's name) ------------------
    "key.space": "Space",
    "help.title": "Keys", "help.caption": "any key closes this",
    "help.next": "next step", "help.back": "previous step", "help.ends": "first / last step",
    "help.phase": "next / previous phase", "help.jump": "go to step 12",
    "help.search": "search: the next step about w5 (also out_o1, delta, …)",
    "help.repeat": "after a search: the next / previous match", "help.scroll": "scroll a step taller than the terminal",
    "help.export": "export the walk-through (Markdown, HTML, text, SVG, JSON)", "help.redraw": "redraw the screen",
    "help.help": "this help (any key closes it)", "help.quit": "quit",
    "help.quiz.type": "type the result (at least {n} significant digits)",
    "help.quiz.delete": "delete the last character typed",
    "help.quiz.enter": "check the answer; once it is shown, the next step",
    "help.quiz.next": "next step (once the result is shown)", "help.quiz.back": "look back at the steps already done",
    "help.quiz.ends": "first step / back to the question",
    "help.quiz.quit": "quit and show the score (Esc first clears the answer)",

    # -- the quiz -----------------------------------------------------------------------------
    "quiz.your_answer": "your answer: ", "quiz.hint": "hint: the numbers filled in",
    "quiz.empty": "type the result first (digits . - e), then Enter",
    "quiz.too_short": "give at least {n} significant digits", "quiz.unreadable": "not a number: {text}",
    "quiz.try_again": "✗ {answer} is not it: try again, with the hint",
    "quiz.right": "✓ {answer}: right", "quiz.right_second": "✓ {answer}: right at the second try",
    "quiz.missed": "✗ {answers}: the answer is {value}", "quiz.then": ", then ",
    "quiz.answer_first": "type the result, then Enter", "quiz.next": "→ next step",
    "quiz.score": "Score", "quiz.phase": "phase", "quiz.asked": "asked", "quiz.first": "right first try",
    "quiz.second": "right second try", "quiz.missed_col": "missed", "quiz.total": "total",
    "quiz.end": "The end of the quiz.",
    "quiz.questions": "{count} questions: type each result (at least {n} significant digits); q quits.",

    # -- bpwalk check -------------------------------------------------------------------------
    "check.key": "key", "check.where": "where", "check.document": "document", "check.computed": "computed",
    "check.verdict": "verdict", "check.cause": "cause",
    "check.at_iteration": "it {n}", "check.at_sample": "s {n}",
    "check.nothing": "no printed numbers to check: the scenario has no expect: entries",
    "check.numbers": "{n} numbers", "check.numbers_one": "{n} number",
    "check.all_agree": "{numbers}: all agree", "check.summary": "{numbers}: {agree}, {disagree}",
    "check.agree": "{n} agree", "check.agree_one": "{n} agrees",
    "check.disagree": "{n} do not", "check.disagree_one": "{n} does not",
    "check.label": "{key} ({where})", "check.label_sep": ", ",
    # the likely cause of a printed number that does not agree (bpwalk.check.mistakes)
    "cause.unknown": "cause unknown",
    "cause.carried": "carried from {label} = {text} (itself wrong)",
    "cause.rounded": "{label} rounded to {text} ({decimals} decimals) and carried forward",
    "cause.every_rounded": "every intermediate rounded to {decimals} decimals",
    "cause.sign": "sign flipped: the value is {value}",
    "cause.decimal": "decimal point slipped: {how} (the value is {value})",
    "cause.ten_large": "ten times too large", "cause.ten_small": "ten times too small",
    "cause.other_step": "the value of {label} ({value}) instead",
    "cause.before_update": "the value of {name} before the update ({value}) instead",
    "cause.slip_sign": "sign flipped", "cause.slip_large": "decimal point slipped (ten times too large)",
    "cause.slip_small": "decimal point slipped (ten times too small)",
    "cause.slip_on_carried": "{slip} on {value}, carried from {label} = {text} (itself wrong)",
    "cause.digit": "a digit mistyped: {right} written {printed} (the value is {value})",
    "cause.digits_swapped": "two digits swapped (the value is {value})",
    "cause.half_dropped": "the ½ of the squared error dropped: E = (t − o)², so ∂E/∂o = 2(o − t)",
    "cause.two_dropped_half_sse": "the factor 2 of the derivative dropped: ∂E/∂o = ½(o − t) instead of o − t",
    "cause.half_dropped_derivative": "the ½ dropped in the derivative: ∂E/∂o = 2(o − t) instead of o − t",
    "cause.two_dropped_sse": "the factor 2 of the derivative dropped: ∂E/∂o = o − t instead of 2(o − t)",
    "cause.half_added": "the squared error taken with a ½: E = ½(t − o)² instead of (t − o)²",
    "cause.two_dropped_mse": "the factor 2 of the derivative dropped: ∂E/∂o = (o − t)/K instead of 2(o − t)/K",
    "cause.wrong_derivative": "{symbol} applied to the wrong value: {wrong} instead of {right}, in {where}",
    "cause.taken_at_out": "{formula}, {symbol} taken at out instead of net",
    "cause.every_layer": "every {activation} layer", "cause.layer": "layer {n}",
    "cause.layer_units": "layer {n} ({units})",
    "cause.then": "{cause}; then {slip}",
    "cause.updated_weights": "hidden-layer gradients computed with the already-updated weights of the next layer",
    "cause.swapped_value": "swapped weight indices: the value of {other}, not {key}",
    "cause.swapped_pair": "swapped weight indices: {a} and {b} exchanged",
    "cause.transposed": "swapped weight indices: the weight matrix of layer {n} transposed",

    # -- bpwalk train -------------------------------------------------------------------------
    "train.title": "{title} · {n} iterations", "train.title_one": "{title} · {n} iteration",
    "train.loss": "total loss  ", "train.curve": "total loss per iteration", "train.progress": "training",
    "train.sample": "sample", "train.parameters": "parameters", "train.name": "name",
    "train.initial": "initial", "train.trained": "trained", "train.outputs": "outputs after training",
    "train.more": "… {n} more {what}: use --json or --csv",
    "train.more_parameters": "parameters", "train.more_samples": "samples", "train.more_outputs": "outputs",
    "train.more_snapshots": "snapshots",
    "train.snapshots": "snapshots",
    "train.snapshots_note": "each row: the parameters after that iteration's update, and the total loss computed "
                            "with them (start: the initial parameters)",
    "train.per_sample_note": "update: per_sample: the loss is of one forward pass of every sample with these "
                             "parameters, not an iteration's sum over its sweep",
    "train.after_iteration": "after\niteration", "train.loss_with": "total loss\nwith these\nparameters",
    "train.start": "start",
    "plot.log": " (log scale)", "plot.updates": "updates made", "plot.loss": "loss",

    # -- the transcripts: Markdown, HTML, LaTeX, Beamer ---------------------------------------
    "doc.network": "The network", "doc.parameters": "Parameters", "doc.samples": "Samples",
    "doc.iteration": "Iteration {n}", "doc.final": "After training",
    "doc.layer": "layer", "doc.units": "units", "doc.activation": "activation", "doc.weights": "weights",
    "doc.bias": "bias", "doc.inputs": "inputs", "doc.name": "name", "doc.value": "value", "doc.after": "after",
    "doc.trained": "trained", "doc.yes": "yes", "doc.no": "no", "doc.targets": "targets", "doc.step": "step {n}",
    "doc.before": "total loss before", "doc.loss_after": "total loss after", "doc.outputs": "outputs after training",
    "doc.none": "none", "doc.bias_mode": "{names} ({mode})", "doc.phase_sample": "{phase} ({sample})",
    "doc.settings": "loss: {loss}, over samples: {reduction}, update: {update}, "
                    "learning rate η = {lr}, iterations: {iterations}",
    "doc.contents": "contents", "doc.diagram": "network diagram", "doc.loss_curve": "total loss after each update",
    "tex.engine_zh": "% Compile with xelatex (the document is in Chinese: xeCJK, Noto CJK or Fandol fonts).",
    "tex.engine_unicode": "% Compile with xelatex to print its Chinese text (xeCJK); pdflatex also works and\n"
                          "% writes [...] in its place.",
    "tex.engine": "% Compile with pdflatex (or xelatex).",
    "tex.article_fragment": "(the body of a LaTeX article, for {input})",
    "tex.article_needs": "% Needs {packages} (and hyperref for links).",
    "tex.beamer_fragment": "(Beamer frames, one per step, for {input} in a deck)",
    "tex.beamer_needs": "% Needs {tikz} in the deck's preamble.",
    "tex.beamer_lecture": "% For a lecture: copy the frames between the two marked lines below, or write them alone\n"
                          "% with `{command}` and {input}.",
}
