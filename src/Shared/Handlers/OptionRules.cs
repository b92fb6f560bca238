namespace Strata.Handlers.Internal;

/// <summary>The checks shared by the options of the cache handler packages, each failing with the option, its value and its default.</summary>
internal static class OptionRules
{
    internal static void Positive(TimeSpan value, string name, string section, string defaultValue)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{section}: {name} is {value}; it must be positive (default {defaultValue}).", "options");
        }
    }

    internal static void NotNegative(TimeSpan value, string name, string section, string defaultValue)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentException($"{section}: {name} is {value}; it must be zero or positive (default {defaultValue}).", "options");
        }
    }
}
