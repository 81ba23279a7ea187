using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Optimization;
using static TorchSharp.torch;

namespace R1Sharp.Training.Zero;

/// <summary>
/// Builds the R1-Zero base model's knowledge by next-token prediction on <see cref="SyntheticCorpus"/>. The loss
/// covers the completion tokens only: the template is constant and the question random, so predicting them
/// would spend the short budget on nothing the RL stage needs.
/// </summary>
/// <param name="suite">Task suite (training stream 0 is the corpus).</param>
/// <param name="tokenizer">Task tokenizer.</param>
/// <param name="noise">Corpus imperfections.</param>
public sealed class BasePretrainer(TaskSuite suite, TaskTokenizer tokenizer, CorpusNoise noise)
{
    /// <summary>Trains <paramref name="model"/> in place; reports (step, loss) after every step.</summary>
    public void Train(CausalLanguageModel model, PretrainOptions options, IProgress<(int Step, double Loss)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), options.LearningRate, 0.9, 0.95, 1e-8, 0.01);
        for (int step = 1; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double lr = LearningRateSchedule.At(step, options.Steps, options.LearningRate, options.WarmupSteps, LearningRateScheduleKind.Cosine, 0.1);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            var (input, attention, targets, lossMask) = Batch((step - 1L) * options.BatchSize, options.BatchSize, model.Device);
            var logits = model.Forward(input, attention);
            var logProbs = TokenLogProbs.Gather(logits, targets);
            var loss = -(logProbs * lossMask).sum() / lossMask.sum().clamp_min(1);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            progress?.Report((step, loss.item<float>()));
        }
    }

    private (Tensor Input, Tensor Attention, Tensor Targets, Tensor LossMask) Batch(long first, int size, Device device)
    {
        var docs = new List<(int[] Ids, int PromptLength)>(size);
        for (int i = 0; i < size; i++)
        {
            var (prompt, completion) = SyntheticCorpus.Document(suite, first + i, noise);
            var promptIds = tokenizer.Encode(prompt);
            var ids = promptIds.Concat(tokenizer.Encode(completion)).Append(TaskTokenizer.EndOfText).ToArray();
            docs.Add((ids, promptIds.Count));
        }
        int width = docs.Max(d => d.Ids.Length);
        var ids2 = new long[size * width];
        var attention = new long[size * width];
        var mask = new float[size * (width - 1)];
        for (int b = 0; b < size; b++)
        {
            var (ids, promptLength) = docs[b];
            for (int t = 0; t < ids.Length; t++) { ids2[b * width + t] = ids[t]; attention[b * width + t] = 1; }
            // Target position t predicts token t+1: count it when that token belongs to the completion.
            for (int t = promptLength - 1; t < ids.Length - 1; t++) mask[b * (width - 1) + t] = 1;
        }
        var all = tensor(ids2, [size, width]).to(device);
        var att = tensor(attention, [size, width]).to(device);
        return (all[.., ..^1], att[.., ..^1], all[.., 1..], tensor(mask, [size, width - 1]).to(device));
    }
}
