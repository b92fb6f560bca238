// Key builders start on stack memory; it need not be zeroed first (every byte read is written before).
[module: System.Runtime.CompilerServices.SkipLocalsInit]

// [UseServer] lives in Strata.Abstractions so that browser (WebAssembly) code can declare [UseServer] interfaces; code
// compiled against Strata finds it there.
[assembly: System.Runtime.CompilerServices.TypeForwardedTo(typeof(Strata.UseServerAttribute))]
