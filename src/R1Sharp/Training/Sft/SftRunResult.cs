namespace R1Sharp.Training.Sft;

/// <summary>Summary of a finished run.</summary>
/// <param name="Steps">Optimizer steps done in total (including those before a resume).</param>
/// <param name="FirstLoss">Training loss of the first step run by this call (null when none ran).</param>
/// <param name="LastLoss">Training loss of the last step (null when none ran).</param>
/// <param name="ValidationLoss">Final validation loss, when a validation split exists and this call evaluated it.</param>
/// <param name="MeanPaddingShare">Mean share of padding over the steps run.</param>
/// <param name="ModelDirectory">Where the final weights were saved.</param>
/// <param name="StepsRun">Optimizer steps run by this call: 0 when a resumed run was already complete.</param>
public sealed record SftRunResult(int Steps, double? FirstLoss, double? LastLoss, double? ValidationLoss, double MeanPaddingShare, string ModelDirectory, int StepsRun);
