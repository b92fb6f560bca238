namespace Strata.Tests.Support;

/// <summary>Builds keys the way generated code does, for tests of the encoder.</summary>
internal static class Keys
{
    private static readonly CacheFunction DefaultFunction = CacheFunction.Create("tests.keys", "default", "Keys", "value", "second", "third");

    public static CacheKey Of(CacheRuntime runtime, params object?[] arguments) => Of(runtime, DefaultFunction, arguments);

    public static CacheKey Of(CacheRuntime runtime, CacheFunction function, params object?[] arguments)
    {
        var builder = new CacheKeyBuilder(function, stackalloc byte[64]);
        foreach (var argument in arguments)
        {
            builder.Add(argument);
        }

        var binding = runtime.Bind(function);
        return builder.Build(binding.Seed);
    }

    public static CacheKey Of<T>(CacheRuntime runtime, T argument)
    {
        var builder = new CacheKeyBuilder(DefaultFunction, stackalloc byte[64]);
        builder.Add(argument);
        return builder.Build(runtime.Bind(DefaultFunction).Seed);
    }
}
