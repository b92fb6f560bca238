using static Strata.Cache;

namespace Strata.AspNetCore.Tests.TestApp;

/// <summary>Minimal API endpoints of the test app: route handlers that revalidate, and one that calls a cached function.</summary>
public static class TestEndpoints
{
    private static int s_calls;

    private static readonly Func<string, Task<int>> CachedValue = Function(async (string name) =>
    {
        await Task.Yield();
        return Interlocked.Increment(ref s_calls);
    });

    private static readonly Func<Task<int>> TaggedValue = Function(async () =>
    {
        CacheTag("api-value");
        await Task.Yield();
        return Interlocked.Increment(ref s_calls);
    });

    private static readonly Func<Task<int>> PrivateValue = Function(async () =>
    {
        await Task.Yield();
        return Cookies().Count;
    }, "private");

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/private", async () =>
        {
            try
            {
                return Results.Ok(await PrivateValue());
            }
            catch (InvalidOperationException e)
            {
                return Results.Text(e.Message, statusCode: 500);
            }
        });

        app.MapPost("/api/revalidate-tag/{tag}", async (string tag) =>
        {
            await RevalidateTag(tag, new CacheLifeProfile { Expire = 0 });
            return Results.Ok(new { revalidated = tag });
        });

        app.MapPost("/api/revalidate-tag-max/{tag}", async (string tag) =>
        {
            await RevalidateTag(tag, "max");
            return Results.Ok(new { revalidated = tag, profile = "max" });
        });

        app.MapPost("/api/draft/{state}", (string state) =>
        {
            if (state == "on")
            {
                DraftMode().Enable();
            }
            else
            {
                DraftMode().Disable();
            }

            return Results.Ok(new { draft = DraftMode().IsEnabled });
        });

        app.MapPost("/api/revalidate-path", async (string path, string? type) =>
        {
            await RevalidatePath(path, type);
            return Results.Ok(new { revalidated = path, type });
        });

        app.MapPost("/api/update-tag/{tag}", async (string tag) =>
        {
            try
            {
                await UpdateTag(tag);
                return Results.Ok();
            }
            catch (InvalidOperationException e)
            {
                return Results.Text(e.Message, statusCode: 500);
            }
        });

        app.MapGet("/api/method", (HttpContext context) =>
        {
            context.Response.Headers["x-method"] = context.Request.Method;
            return "ok";
        });

        app.MapGet("/api/cached", async () => new { first = await CachedValue("x"), second = await CachedValue("x") });

        app.MapGet("/api/tagged", async () => new { value = await TaggedValue() });

        app.MapGet("/api/cookies", () => new { count = Cookies().Count });
    }
}
