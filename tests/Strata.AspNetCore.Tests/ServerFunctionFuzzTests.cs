using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Strata.AspNetCore.Server;
using Strata.AspNetCore.Tests.Support;
using Strata.AspNetCore.Tests.TestApp;
using Xunit.Abstractions;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// Hostile payloads against the server function endpoint: random and mutated JSON bodies, ids, origins, content types and
/// captured values. The server never answers 5xx, a function runs only when the call was accepted (200) and then only
/// with valid arguments, and the server is healthy afterwards.
/// </summary>
public sealed class ServerFunctionFuzzTests(ITestOutputHelper output)
{
    private const int Payloads = 10_000;

    private static readonly string[] Valid =
    [
        "[\"Ada\", 36, null]",
        "[\"Ada\", 36, {\"name\": \"Grace\", \"age\": 40, \"tags\": [\"a\", \"b\"]}]",
        "[\"\\u00e9\\u4e2d\", -2147483648, {\"Name\": \"x\", \"AGE\": 2147483647}]",
    ];

    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-0", "1e309", "-1e309", "2147483648", "1.5", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "[", "]", "{", "}", ",", ":",
        "\"name\"", "{\"name\": null}", "{\"age\": \"1\"}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "NaN", "\"\\x\"", "/*c*/", "\u00ff",
    ];

    [Fact]
    public async Task Fuzz_TenThousandHostilePayloads_NeverFailTheServerOrRunWithInvalidArguments()
    {
        var seed = Environment.GetEnvironmentVariable("STRATA_FUZZ_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (rerun with STRATA_FUZZ_SEED={seed})");
        var random = new Random(seed);
        using var app = new TestAppFactory();
        var client = app.CreateClient();
        var ledger = app.Services.GetRequiredService<Ledger>();
        var handler = app.Services.GetRequiredService<ServerActionHandler>();
        var create = ServerFunctionTests.Id(app, "Create");
        var restock = ServerFunctionTests.Id(app, "Restock");
        string[] ids = [create, create, create, ServerFunctionTests.Id(app, "Hello"), ServerFunctionTests.Id(app, "Add"), ServerFunctionTests.Id(app, "Secret"), restock];
        var token = handler.Captured.Protect(restock, [7], [typeof(int)]);
        var accepted = 0;

        for (var i = 0; i < Payloads; i++)
        {
            var before = ledger.Runs.Count;
            using var request = random.Next(10) == 0 ? FormRequest(random, restock, token) : FetchRequest(random, ids);
            var description = await Describe(request);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var runs = ledger.Runs.Count - before;

            Assert.True(status < 500, $"seed {seed}, payload {i}: {status} for {description}\n{await response.Content.ReadAsStringAsync()}");
            Assert.True(status == 200 ? runs <= 1 : runs == 0, $"seed {seed}, payload {i}: {runs} run(s) with status {status} for {description}");
            accepted += runs;
            if (ledger.InvalidRuns != 0)
            {
                Assert.Fail($"seed {seed}, payload {i}: ran with an invalid argument as {ledger.Runs[^1]} for {description}");
            }
        }

        output.WriteLine($"{accepted} of {Payloads} payloads were accepted and ran");

        // Healthy afterwards: a valid call still works.
        using var healthy = await ServerFunctionTests.Call(client, create, Valid[0], "http://localhost");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private static HttpRequestMessage FetchRequest(Random random, string[] ids)
    {
        var body = random.Next(20) == 0 ? RandomText(random, random.Next(0, 200)) : Mutate(random, Valid[random.Next(Valid.Length)]);
        var request = new HttpRequestMessage(HttpMethod.Post, random.Next(4) == 0 ? "/server-form/1" : "/plain")
        {
            Content = new StringContent(body, Encoding.UTF8, random.Next(10) == 0 ? "text/plain" : "application/json"),
        };
        request.Headers.TryAddWithoutValidation(ServerActionHandler.ActionHeader, random.Next(15) == 0 ? RandomText(random, 40) : ids[random.Next(ids.Length)]);
        if (random.Next(15) != 0)
        {
            request.Headers.TryAddWithoutValidation("Origin", random.Next(20) == 0 ? "http://evil.example" : "http://localhost");
        }

        if (random.Next(30) == 0)
        {
            request.Headers.TryAddWithoutValidation(ServerActionHandler.CapturedHeader, RandomText(random, random.Next(0, 80)));
        }

        return request;
    }

    private static HttpRequestMessage FormRequest(Random random, string id, string token)
    {
        var captured = random.Next(3) switch
        {
            0 => token,
            1 => MutateText(random, token),
            _ => RandomText(random, random.Next(0, 60)),
        };
        var fields = new List<KeyValuePair<string, string>> { new(ServerActionHandler.ActionField, id), new(ServerActionHandler.CapturedField, captured) };
        if (random.Next(2) == 0)
        {
            fields.Add(new("stock", RandomText(random, random.Next(0, 10))));
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/server-form/1") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost");
        return request;
    }

    private static string Mutate(Random random, string json)
    {
        var text = json;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            text = random.Next(4) switch
            {
                0 => MutateText(random, text),
                1 => Delete(random, text),
                2 => text.Insert(random.Next(text.Length + 1), Tokens[random.Next(Tokens.Length)]),
                _ => text.Length == 0 ? text : text[..random.Next(text.Length)],
            };
        }

        return text;
    }

    private static string Delete(Random random, string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var start = random.Next(text.Length);
        return text.Remove(start, Math.Min(text.Length - start, random.Next(1, 6)));
    }

    private static string MutateText(Random random, string text)
    {
        if (text.Length == 0)
        {
            return "x";
        }

        var chars = text.ToCharArray();
        chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
        return new string(chars);
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(32, 127);
        }

        return new string(chars);
    }

    private static async Task<string> Describe(HttpRequestMessage request)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync();
        var headers = string.Join("; ", request.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        return $"{request.RequestUri} [{headers}] {(body.Length > 300 ? body[..300] + "…" : body)}";
    }
}
