using System.Text.Json.Serialization;

namespace R1Sharp.Distillation;

/// <summary>Outcome of <c>r1 distill</c> (written as summary.json).</summary>
/// <param name="Sampling">Teacher sampling report.</param>
/// <param name="Filtering">What rejection sampling kept and dropped.</param>
/// <param name="StudentModel">Directory of the fine-tuned student.</param>
/// <param name="SftSteps">Optimizer steps of the student's SFT.</param>
/// <param name="SftValidationLoss">Final validation loss of the SFT run.</param>
/// <param name="TeacherPassAt1">Teacher's pass@1 on the evaluation prompts (null without them).</param>
/// <param name="StudentBasePassAt1">Student's pass@1 before SFT.</param>
/// <param name="StudentPassAt1">Student's pass@1 after SFT.</param>
public sealed record DistillSummary(
    [property: JsonPropertyName("sampling")] SamplingReport Sampling,
    [property: JsonPropertyName("filtering")] RejectionStatistics Filtering,
    [property: JsonPropertyName("student_model")] string StudentModel,
    [property: JsonPropertyName("sft_steps")] int SftSteps,
    [property: JsonPropertyName("sft_validation_loss")] double? SftValidationLoss,
    [property: JsonPropertyName("teacher_pass_at_1")] double? TeacherPassAt1,
    [property: JsonPropertyName("student_base_pass_at_1")] double? StudentBasePassAt1,
    [property: JsonPropertyName("student_pass_at_1")] double? StudentPassAt1);
