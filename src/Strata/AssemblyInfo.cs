// Key builders start on stack memory; it need not be zeroed first (every byte read is written before).
[module: System.Runtime.CompilerServices.SkipLocalsInit]
