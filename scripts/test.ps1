# Builds jepa.sln in Release and runs the tests (PowerShell 7 counterpart of test.sh), then prints one
# closing line taken from the TRX results: "N passed, N failed" (", N skipped" when some were). Other
# arguments go to dotnet test, e.g.: pwsh scripts/test.ps1 --filter "FullyQualifiedName~Jepa.Tests.Config"
# -NoBuild runs the tests already built; -ResultsDir moves TestResults/. Exit status: non-zero when a test failed, when no test ran, or when
# the results file is missing. Some tests need Linux tools (a one-node SLURM, Debian's python3-torch,
# chromium): on Windows run them with a --filter, or in WSL with scripts/test.sh.
param(
    [switch] $NoBuild,
    [string] $ResultsDir = 'TestResults',
    [Parameter(ValueFromRemainingArguments = $true)] [string[]] $TestArgs = @()
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Set-Location (Split-Path -Parent $PSScriptRoot)

& (Join-Path $PSScriptRoot 'install-deps.ps1')
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
if (-not $NoBuild) {
    dotnet build jepa.sln -c Release
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

$resultsDir = [IO.Path]::GetFullPath($ResultsDir, (Get-Location).Path)
$trx = Join-Path $resultsDir 'results.trx'
Remove-Item -LiteralPath $trx -ErrorAction SilentlyContinue

# A failing test makes dotnet test exit non-zero; we still want the counts, so keep going.
dotnet test tests/Jepa.Tests -c Release --no-build --logger 'trx;LogFileName=results.trx' --results-directory $resultsDir @TestArgs
$testRc = $LASTEXITCODE

if (-not (Test-Path -LiteralPath $trx)) {
    [Console]::Error.WriteLine("no test results: $trx was not written (dotnet test exited with $testRc)")
    Write-Output '0 passed, 0 failed'
    exit 1
}

# <Counters total="…" executed="…" passed="…" failed="…" error="…" timeout="…" aborted="…" … notExecuted="…" …/>
$counters = ([xml] (Get-Content -LiteralPath $trx -Raw)).TestRun.ResultSummary.Counters
function Get-Count([string] $Name) { $v = $counters.GetAttribute($Name); if ($v) { [int] $v } else { 0 } }
$total = Get-Count 'total'; $passed = Get-Count 'passed'; $executed = Get-Count 'executed'
$failed = (Get-Count 'failed') + (Get-Count 'error') + (Get-Count 'timeout') + (Get-Count 'aborted')
# xunit leaves notExecuted at 0 for skipped tests; they show as total - executed instead.
$skipped = $total - $executed

$line = "$passed passed, $failed failed"
if ($skipped -gt 0) { $line += ", $skipped skipped" }
Write-Output $line

if ($failed -gt 0 -or $testRc -ne 0) { exit 1 }
if ($total -eq 0 -or $passed -eq 0) {
    [Console]::Error.WriteLine('no test ran; check the --filter')
    exit 1
}
exit 0
