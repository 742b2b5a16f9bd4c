# Runs the jepa command built by `dotnet build -c Release src/Jepa.Cli`, from any folder
# (PowerShell 7 counterpart of jepa.sh):
#   pwsh scripts/jepa.ps1 doctor
# With --print-path it prints where the binary is instead of running it.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = Split-Path -Parent $PSScriptRoot
# The RID Directory.Build.props picks for this OS.
$bin = if ($IsWindows) { Join-Path $root 'src/Jepa.Cli/bin/Release/net10.0/win-x64/jepa.exe' }
       else { Join-Path $root 'src/Jepa.Cli/bin/Release/net10.0/linux-x64/jepa' }

if (-not (Test-Path -LiteralPath $bin -PathType Leaf)) {
    [Console]::Error.WriteLine("jepa is not built at $bin; build it with: dotnet build -c Release $(Join-Path $root 'src/Jepa.Cli')")
    exit 1
}
if ($args.Count -gt 0 -and $args[0] -eq '--print-path') {
    Write-Output $bin
    exit 0
}
& $bin @args
exit $LASTEXITCODE
