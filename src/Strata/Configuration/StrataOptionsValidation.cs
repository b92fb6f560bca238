using Microsoft.Extensions.Options;

namespace Strata;

/// <summary>
/// Validates <see cref="StrataOptions"/> with the runtime's own rules, so that <c>AddStrata()</c>'s <c>ValidateOnStart()</c>
/// stops the host at start with the option and the fix, before any request, rather than when the runtime is first used.
/// </summary>
internal sealed class StrataOptionsValidation : IValidateOptions<StrataOptions>
{
    public ValidateOptionsResult Validate(string? name, StrataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            CacheRuntime.Validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.ParamName is { } parameter ? e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : e.Message);
        }
    }
}
