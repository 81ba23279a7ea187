using R1Sharp.Distillation;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Distillation;

internal static class Responses
{
    public static SampledResponse Make(string response, double? accuracy = 1.0, string promptId = "p1", int index = 0, string finish = "stop") =>
        new(promptId, index, [new ConversationTurn("user", "What is 2+2?")], response, finish, null,
            new Dictionary<string, double?> { ["accuracy"] = accuracy }, null);
}
