using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using static Strata.Cache;

namespace Strata.Tests.Model;

/// <summary>A runtime to hold to the model, and how to clean up after it.</summary>
internal sealed record RuntimeUnderTest(CacheRuntime Runtime, Func<ValueTask> Cleanup);

/// <summary>Where the engine and the model first disagreed.</summary>
internal sealed record Divergence(int Index, string Step, string Expected, string Actual);

/// <summary>
/// Runs a sequence of operations on the engine and on the model, step by step, and compares every observable: each read's
/// value or error, each request's lifetimes, tags and flags, and how many times each function ran. Concurrent steps (bursts of
/// callers, a write racing readers) are checked against what the model allows.
/// </summary>
internal static partial class ModelRunner
{
    public const long StartMs = 1_795_000_000_000;

    public static async Task<Divergence?> RunAsync(IReadOnlyList<Op> ops, Func<FakeTimeProvider, Task<RuntimeUnderTest>> create)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(StartMs));
        var underTest = await create(time);
        try
        {
            using var use = underTest.Runtime.Use();
            var world = new World();
            var run = new Run(new EngineDriver(underTest.Runtime, time, world), new CacheModel(world, StartMs), time);
            for (var i = 0; i < ops.Count; i++)
            {
                if (await run.StepAsync(ops[i]) is { } difference)
                {
                    return new Divergence(i, ops[i].ToString()!, difference.Expected, difference.Actual);
                }
            }

            return null;
        }
        finally
        {
            await underTest.Cleanup();
        }
    }

    /// <summary>
    /// The shortest sequence found that still diverges: drops chunks of operations, then single operations, then steps of
    /// requests, keeping every change after which the engine still disagrees with the model.
    /// </summary>
    public static async Task<(IReadOnlyList<Op> Ops, Divergence Divergence)> ShrinkAsync(IReadOnlyList<Op> ops, Divergence divergence, Func<FakeTimeProvider, Task<RuntimeUnderTest>> create, int budget = 400)
    {
        var current = ops.Take(divergence.Index + 1).ToList();
        var found = divergence;
        async Task<bool> Try(List<Op> candidate)
        {
            if (budget-- <= 0)
            {
                return false;
            }

            if (await RunAsync(candidate, create) is { } d)
            {
                current = candidate.Take(d.Index + 1).ToList();
                found = d;
                return true;
            }

            return false;
        }

        for (var chunk = Math.Max(1, current.Count / 2); chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start + chunk <= current.Count;)
            {
                if (!await Try([.. current.Take(start), .. current.Skip(start + chunk)]))
                {
                    start += chunk;
                }
            }
        }

        for (var i = 0; i < current.Count; i++)
        {
            var step = 0;
            while (i < current.Count && current[i] is RequestOp request && request.Steps.Length > 1 && step < request.Steps.Length)
            {
                var smaller = request with { Steps = [.. request.Steps.Take(step), .. request.Steps.Skip(step + 1)] };
                if (!await Try([.. current.Take(i), smaller, .. current.Skip(i + 1)]))
                {
                    step++;
                }
            }
        }

        return (current, found);
    }

    public static string Describe(int seed, IReadOnlyList<Op> ops, Divergence divergence)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"The engine disagrees with the model (seed {seed}; rerun with STRATA_MODEL_SEED={seed}).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Shrunk sequence ({ops.Count} operations):");
        for (var i = 0; i < ops.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1,3}. {ops[i]}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"At operation {divergence.Index + 1}, {divergence.Step}:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  model:  {divergence.Expected}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  engine: {divergence.Actual}");
        return text.ToString();
    }

    [GeneratedRegex(@"^product\((\d+),\):v(\d+)@")]
    private static partial Regex ProductVersion();

    private sealed class Run(EngineDriver engine, CacheModel model, FakeTimeProvider time)
    {
        private CacheRuntime Runtime => engine.Runtime;

        public async Task<(string Expected, string Actual)?> StepAsync(Op op)
        {
            switch (op)
            {
                case Advance advance:
                    time.Advance(TimeSpan.FromMilliseconds(advance.Milliseconds));
                    model.Advance(advance.Milliseconds);
                    return null;
                case Write write:
                    model.World.Versions[write.Id]++;
                    return null;
                case Break broken:
                    model.World.Broken[broken.Id] = broken.Broken;
                    return null;
                case Read read:
                {
                    var actual = await CaptureAsync(() => engine.Call(read.Function, read.Id, read.C));
                    var expected = model.Read(Functions.Get(read.Function), read.Id, read.C);
                    return await SettleAsync(expected.ToString(), actual.ToString());
                }

                case RevalidateTagOp or RevalidatePathOp:
                {
                    var actual = await CaptureAsync(async () => { await RevalidateOnEngine(op); return "ok"; });
                    var expected = Capture(() => { RevalidateOnModel(op, request: null, route: null); return "ok"; });
                    return await SettleAsync(expected.ToString(), actual.ToString());
                }

                case RequestOp request:
                    return await RequestAsync(request);
                case Burst burst:
                    return await BurstAsync(burst);
                case Race race:
                    return await RaceAsync(race);
                default:
                    throw new InvalidOperationException("Unknown operation " + op);
            }
        }

        /// <summary>Lets background refreshes finish on both sides, then compares the step and the run counts.</summary>
        private async Task<(string Expected, string Actual)?> SettleAsync(string expected, string actual)
        {
            await Runtime.FlushAsync();
            model.RunRefreshes();
            if (expected != actual)
            {
                return (expected, actual);
            }

            return CompareRuns();
        }

        private (string Expected, string Actual)? CompareRuns()
        {
            var expected = Format(model.Runs);
            var actual = Format(model.World.RunsSnapshot());
            return expected == actual ? null : ("runs " + expected, "runs " + actual);
        }

        private async Task<(string Expected, string Actual)?> RequestAsync(RequestOp op)
        {
            var implicitTags = ImplicitTags.ForRequest(op.Route, op.Path);
            var modelRequest = new ModelRequest(op.Phase, implicitTags);
            using var request = Runtime.BeginRequest(phase: op.Phase, route: op.Route, implicitTags: implicitTags);
            foreach (var step in op.Steps)
            {
                Outcome actual;
                Outcome expected;
                if (step is Read read)
                {
                    actual = await CaptureAsync(() => engine.Call(read.Function, read.Id, read.C));
                    expected = model.Read(Functions.Get(read.Function), read.Id, read.C, modelRequest);
                }
                else
                {
                    actual = await CaptureAsync(async () => { await RevalidateOnEngine(step); return "ok"; });
                    expected = Capture(() => { RevalidateOnModel(step, modelRequest, op.Route); return "ok"; });
                }

                if (await SettleAsync(expected.ToString(), actual.ToString()) is { } difference)
                {
                    return ($"{step}: {difference.Expected}", $"{step}: {difference.Actual}");
                }
            }

            await request.CompleteAsync();
            var expectedResponse = Response(modelRequest.Stale, modelRequest.Revalidate, modelRequest.Expire, modelRequest.Tags, modelRequest.UsedPrivateCache, modelRequest.PathWasRevalidated);
            var actualResponse = Response(request.Stale, request.Revalidate, request.Expire, request.Tags, request.UsedPrivateCache, request.PathWasRevalidated);
            return expectedResponse == actualResponse ? null : (expectedResponse, actualResponse);
        }

        private async Task<(string Expected, string Actual)?> BurstAsync(Burst burst)
        {
            time.Advance(TimeSpan.FromMilliseconds(1)); // entries made now are newer than any tag change
            model.Advance(1);
            foreach (var read in burst.Reads)
            {
                model.World.Broken[read.Id] = false; // how many callers retry a failing run depends on timing
            }

            var calls = burst.Reads.SelectMany(r => Enumerable.Repeat(r, burst.Copies)).ToArray();
            var results = await Task.WhenAll(calls.Select(r => Task.Run(() => CaptureAsync(() => engine.Call(r.Function, r.Id, r.C)))));
            await Runtime.FlushAsync();

            // Each distinct call once on the model; a caller of a stale entry may also see the value its refresh stored.
            var allowed = new Dictionary<Read, HashSet<string>>();
            foreach (var read in burst.Reads.Distinct())
            {
                allowed[read] = [model.Read(Functions.Get(read.Function), read.Id, read.C).ToString()];
            }

            model.RunRefreshes();
            foreach (var (read, values) in allowed)
            {
                if (model.Peek(Functions.Get(read.Function), read.Id, read.C) is { } stored)
                {
                    values.Add(stored);
                }
            }

            for (var i = 0; i < calls.Length; i++)
            {
                if (!allowed[calls[i]].Contains(results[i].ToString()))
                {
                    return ($"{calls[i]}: one of {string.Join(" or ", allowed[calls[i]])}", $"{calls[i]}: {results[i]}");
                }
            }

            return CompareRuns(); // one run per missing key and one refresh per stale one, however many callers
        }

        private async Task<(string Expected, string Actual)?> RaceAsync(Race race)
        {
            model.World.Broken[race.Id] = false;
            var product = Functions.Id(Functions.Product);
            if (await SettleAsync(model.Read(Functions.Product, race.Id, "").ToString(), (await CaptureAsync(() => engine.Call(product, race.Id, ""))).ToString()) is { } before)
            {
                return before;
            }

            var written = model.World.Versions[race.Id] + 1;
            var updated = 0;
            var seen = new ConcurrentBag<(bool AfterUpdate, string Value)>();
            var readers = Enumerable.Range(0, race.Readers).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < 6; i++)
                {
                    var afterUpdate = Volatile.Read(ref updated) == 1;
                    seen.Add((afterUpdate, (await CaptureAsync(() => engine.Call(product, race.Id, ""))).ToString()));
                    await Task.Yield();
                }
            }));
            var writer = Task.Run(async () =>
            {
                await Task.Yield();
                time.Advance(TimeSpan.FromMilliseconds(1));
                Interlocked.Increment(ref model.World.Versions[race.Id]);
                using (Runtime.BeginRequest(phase: CacheRequestPhase.Action))
                {
                    await UpdateTag("p" + race.Id);
                }

                Volatile.Write(ref updated, 1);
            });
            await Task.WhenAll([.. readers, writer]);
            await Runtime.FlushAsync();
            model.Advance(1);

            foreach (var (afterUpdate, value) in seen)
            {
                var match = ProductVersion().Match(value);
                if (!match.Success || (afterUpdate && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) < written))
                {
                    return ($"a read that started after UpdateTag p{race.Id} returned: sees v{written} or later", value);
                }
            }

            // Which runs happened during the race is not determined: expire what they made on both sides, and count from here.
            time.Advance(TimeSpan.FromMilliseconds(1));
            model.Advance(1);
            using (Runtime.BeginRequest(phase: CacheRequestPhase.Action))
            {
                await UpdateTag("p" + race.Id);
            }

            model.ExpireTags(["p" + race.Id], request: null);
            foreach (var (name, count) in model.World.RunsSnapshot())
            {
                model.Runs[name] = count;
            }

            return null;
        }

        private static Task RevalidateOnEngine(Op op) => op switch
        {
            UpdateTagOp u => UpdateTag(u.Tag),
            RevalidateTagOp { WithProfile: false } r => RevalidateTag(r.Tag),
            RevalidateTagOp { Expire: null } r => RevalidateTag(r.Tag, "max"),
            RevalidateTagOp r => RevalidateTag(r.Tag, new CacheLifeProfile { Expire = r.Expire }),
            RevalidatePathOp p => RevalidatePath(p.Path, p.Type),
            RefreshOp => RefreshAsync(),
            _ => throw new InvalidOperationException("Not a revalidation: " + op),
        };

        private static Task RefreshAsync()
        {
            Refresh();
            return Task.CompletedTask;
        }

        /// <summary>What the engine's revalidation functions do, by the phase of the request (Next.js's rules).</summary>
        private void RevalidateOnModel(Op op, ModelRequest? request, string? route)
        {
            var phase = request?.Phase;
            switch (op)
            {
                case UpdateTagOp u:
                    Require(phase == CacheRequestPhase.Action, ErrorMessages.UpdateTagOutsideAction);
                    model.ExpireTags([u.Tag], request);
                    request!.PathWasRevalidated = true;
                    break;
                case RefreshOp:
                    Require(phase == CacheRequestPhase.Action, ErrorMessages.RefreshOutsideAction);
                    request!.PathWasRevalidated = true;
                    break;
                case RevalidateTagOp r:
                    Require(phase != CacheRequestPhase.Render, ErrorMessages.RevalidateDuringRender("RevalidateTag " + r.Tag, route));
                    if (!r.WithProfile || r.Expire == 0)
                    {
                        // Without a profile, or with expire 0: expired now, and the path re-renders with fresh data.
                        if (r.WithProfile)
                        {
                            model.StaleTag(r.Tag, 0);
                            request?.Revalidated(r.Tag, model.Now);
                        }
                        else
                        {
                            model.ExpireTags([r.Tag], request);
                        }

                        request?.PathWasRevalidated = true;
                    }
                    else
                    {
                        // With a profile: stale now, served once more while it refreshes; the page is not rendered again, but
                        // reads later in the same request skip entries with the tag, as in Next.js.
                        model.StaleTag(r.Tag, r.Expire ?? 31_536_000);
                        request?.Revalidated(r.Tag, model.Now);
                    }

                    break;
                case RevalidatePathOp p:
                    Require(phase != CacheRequestPhase.Render, ErrorMessages.RevalidateDuringRender("RevalidatePath " + p.Path, route));
                    model.ExpireTags(ImplicitTags.ForRevalidatePath(p.Path, p.Type), request);
                    request?.PathWasRevalidated = true;
                    break;
                default:
                    throw new InvalidOperationException("Not a revalidation: " + op);
            }
        }

        private static void Require(bool allowed, string error)
        {
            if (!allowed)
            {
                throw new InvalidOperationException(error);
            }
        }

        private static string Format(Dictionary<string, int> runs) =>
            string.Join(", ", runs.Where(p => p.Value > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

        private static string Response(double? stale, double? revalidate, double? expire, IEnumerable<string> tags, bool usedPrivate, bool pathRevalidated) =>
            FormattableString.Invariant($"response stale={stale} revalidate={revalidate} expire={expire} private={usedPrivate} path-revalidated={pathRevalidated} tags=[{string.Join(",", tags.Order(StringComparer.Ordinal))}]");

        private static async Task<Outcome> CaptureAsync(Func<Task<string>> call)
        {
            try
            {
                return new Outcome(await call(), null);
            }
            catch (InvalidOperationException ex)
            {
                return new Outcome(null, ex.Message);
            }
        }

        private static Outcome Capture(Func<string> call)
        {
            try
            {
                return new Outcome(call(), null);
            }
            catch (InvalidOperationException ex)
            {
                return new Outcome(null, ex.Message);
            }
        }
    }
}
