namespace R1Sharp.Training.Grpo;

/// <summary>How a data-set question becomes the model's prompt in <c>r1 grpo</c>.</summary>
public enum PromptTemplateKind
{
    /// <summary>The R1-Zero template of the paper (RECIPE §4), for base models.</summary>
    R1Zero,

    /// <summary>The model's own chat template (tokenizer_config.json / chat_template.jinja), with the generation prompt, for instruct models.</summary>
    Chat,
}
