using R1Sharp.Cli;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Distributed;

/// <summary>The model and data the data-parallel tests (issue 17) run on, written once here instead of in each test class.</summary>
internal static class DataParallelFixtures
{
    /// <summary>
    /// `r1 new-model` with seed 0: a one-layer random Qwen2 with the Qwen2.5 tokenizer and generation config. At temperature
    /// 0.05 its groups' repetition rewards differ from step 1, so every GRPO case learns.
    /// </summary>
    public static string TinyQwen(string model)
    {
        int code = CliApp.BuildRoot().Parse(["new-model", "--config", SharedData.Path("hf", "Qwen2.5-0.5B-Instruct", "config.json"), "--output", model,
            "--layers", "1", "--hidden", "32", "--heads", "2", "--kv-heads", "1", "--intermediate", "64", "--seed", "0"]).Invoke();
        Assert.Equal(0, code);
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "generation_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(model, file), overwrite: true);
        return model;
    }

    /// <summary>Four arithmetic prompts with answers (<c>problem</c>, <c>answer</c>) written to <paramref name="path"/>.</summary>
    public static string ArithmeticPrompts(string path)
    {
        File.WriteAllLines(path,
        [
            "{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}",
            "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}",
            "{\"problem\": \"What is 3*3?\", \"answer\": \"9\"}",
            "{\"problem\": \"What is 4+4?\", \"answer\": \"8\"}",
        ]);
        return path;
    }
}
