namespace R1Sharp.Training.Sft;

/// <summary>Which chat format SFT renders conversations with.</summary>
public enum SftTemplateChoice
{
    /// <summary>The model's own template, except DeepSeek-R1 templates (which drop the reasoning of assistant turns)
    /// are replaced by <see cref="DeepSeekR1"/>, and models without one get <see cref="ChatMarkup"/>.</summary>
    Auto,

    /// <summary>The model directory's chat template as it is.</summary>
    Model,

    /// <summary>Built-in ChatML (<c>&lt;|im_start|&gt;role ... &lt;|im_end|&gt;</c>).</summary>
    ChatMarkup,

    /// <summary>Built-in DeepSeek-R1 training template (<see cref="DeepSeekR1Renderer"/>).</summary>
    DeepSeekR1,
}
