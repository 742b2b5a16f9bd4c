using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Jepa.Tests.TestSupport;

/// <summary>
/// A real one-node SLURM (slurm-wlm 22.05, Debian 12) started for one test, as PLATFORM.md's "SLURM on one
/// machine" describes: auth/none, its own ports, state, spool, pid and log files in a fresh temp folder, slurmctld
/// and slurmd in the foreground as children of the test. Clients reach it through <see cref="Environment"/>
/// (SLURM_CONF). Dispose cancels every job, stops both daemons by the PIDs it started, and ends any process
/// still carrying this cluster's SLURM_CONF (a job's processes outlive slurmd), so nothing is left running.
/// </summary>
internal sealed class SlurmCluster : IDisposable
{
    private static readonly string[] Commands = ["slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo"];

    private readonly List<Process> _daemons = [];

    public string Dir { get; }
    public string Conf { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }

    private SlurmCluster(string dir)
    {
        Dir = dir;
        Conf = Path.Combine(dir, "slurm.conf");
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = Conf };
    }

    /// <summary>Starts the daemons and waits for the node to be idle; fails with the install command when SLURM is missing.</summary>
    public static SlurmCluster Start()
    {
        var missing = Commands.Where(c => Which(c) is null).ToList();
        Assert.True(missing.Count == 0,
            $"SLURM is not installed ({string.Join(", ", missing)} not found); install it with: bash scripts/install-deps.sh --with-slurm " +
            "(scripts/test.sh does), or apt-get install -y --no-install-recommends slurmctld slurmd slurm-client");
        Assert.True(System.Environment.UserName == "root" || Geteuid() == 0,
            "the one-node SLURM test runs slurmd, which must run as root (as CI does); run the tests as root");

        // A short path: slurmd's spool sockets must fit a unix socket name.
        var cluster = new SlurmCluster(Directory.CreateTempSubdirectory("jepa-slurm-").FullName);
        try
        {
            cluster.Launch();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void Launch()
    {
        foreach (var sub in new[] { "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Dir, sub));
        var node = RunTool("slurmd", "-C").Stdout.Split('\n')[0].Trim();
        Assert.StartsWith("NodeName=", node);
        node = "NodeName=localhost NodeAddr=127.0.0.1 " + node[(node.IndexOf(' ') + 1)..];
        File.WriteAllText(Conf, string.Join('\n',
            $"ClusterName=jepa{Guid.NewGuid().ToString("N")[..8]}",
            "SlurmctldHost=localhost",
            $"SlurmctldPort={FreePort()}",
            $"SlurmdPort={FreePort()}",
            "AuthType=auth/none", "CredType=cred/none", "AuthInfo=cred_expire=10", "SlurmUser=root",
            "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
            "SchedulerParameters=sched_interval=2,bf_interval=2", "ReturnToService=2", "JobRequeue=1", "KillWait=5",
            "MinJobAge=300", "MailProg=/bin/true",
            $"StateSaveLocation={Dir}/state", $"SlurmdSpoolDir={Dir}/spool",
            $"SlurmctldPidFile={Dir}/slurmctld.pid", $"SlurmdPidFile={Dir}/slurmd.pid",
            $"SlurmctldLogFile={Dir}/log/slurmctld.log", $"SlurmdLogFile={Dir}/log/slurmd.log",
            node,
            "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
            ""));
        _daemons.Add(Daemon("slurmd", "-D", "-f", Conf, "-N", "localhost"));
        _daemons.Add(Daemon("slurmctld", "-D", "-i", "-f", Conf));

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var state = RunTool("sinfo", "-h", "-o", "%t");
            if (state.ExitCode == 0 && state.Stdout.Trim() == "idle") return;
            if (_daemons.Any(d => d.HasExited) || clock.Elapsed > TimeSpan.FromSeconds(30))
                Assert.Fail($"the one-node SLURM did not come up (sinfo: {state.Stdout.Trim()} {state.Stderr.Trim()}); logs in {Dir}/log:\n{Logs()}");
            Thread.Sleep(200);
        }
    }

    /// <summary>Runs a SLURM client command against this cluster.</summary>
    public (int ExitCode, string Stdout, string Stderr) RunTool(string program, params string[] args)
    {
        var start = new ProcessStartInfo(Which(program) ?? program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["SLURM_CONF"] = Conf;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail($"{program} {string.Join(' ', args)} did not answer in 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The job's fields from <c>scontrol show job -o</c> (JobState, Restarts, ExitCode…).</summary>
    public Dictionary<string, string> Job(string id)
    {
        var r = RunTool("scontrol", "show", "job", "-o", id);
        Assert.True(r.ExitCode == 0, $"scontrol show job {id}: {r.Stderr}");
        return r.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
    }

    /// <summary>Waits until the queue is empty; false after <paramref name="timeout"/>.</summary>
    public bool WaitForEmptyQueue(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var q = RunTool("squeue", "-h", "-o", "%i");
            if (q.ExitCode == 0 && q.Stdout.Trim().Length == 0) return true;
            Thread.Sleep(500);
        }
        return false;
    }

    public string Logs() =>
        string.Join('\n', Directory.GetFiles(Path.Combine(Dir, "log")).Select(f => $"== {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"));

    public void Dispose()
    {
        var problems = new List<string>();
        if (_daemons.Count == 2 && _daemons.All(d => !d.HasExited))
        {
            RunTool("scancel", "--full", "-u", "root");
            if (!WaitForEmptyQueue(TimeSpan.FromSeconds(30))) problems.Add("jobs were still queued 30 s after scancel");
        }
        foreach (var d in _daemons)
        {
            try
            {
                if (!d.HasExited)
                {
                    d.Kill();
                    if (!d.WaitForExit(TimeSpan.FromSeconds(10))) problems.Add($"{d.StartInfo.FileName} {d.Id} did not stop");
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            d.Dispose();
        }
        // A job's processes are re-parented when slurmd stops; whatever still carries this cluster's
        // SLURM_CONF (job steps, slurmstepd, jepa started by a job) is ended by its PID.
        var survivors = Survivors();
        foreach (var pid in survivors) Kill(pid);
        Thread.Sleep(survivors.Count > 0 ? 500 : 0);
        var left = Survivors();
        if (left.Count > 0) problems.Add($"processes {string.Join(", ", left)} of this cluster are still running");
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A daemon may still be closing a log file; the folder is under /tmp.
        }
        if (problems.Count > 0) throw new InvalidOperationException("the one-node SLURM did not stop cleanly: " + string.Join("; ", problems));
    }

    /// <summary>Live (not zombie) processes whose environment holds this cluster's SLURM_CONF.</summary>
    private List<int> Survivors()
    {
        var needle = "SLURM_CONF=" + Conf + "\0";
        var found = new List<int>();
        foreach (var proc in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == System.Environment.ProcessId) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(proc, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
                if (state is "Z" or "X") continue;
                var env = File.ReadAllText(Path.Combine(proc, "environ"));
                if (env.Contains(needle, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException)
            {
                // It ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }
        return found;
    }

    private static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill();
        }
        catch (ArgumentException)
        {
            // Gone already.
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }

    private Process Daemon(string program, params string[] args)
    {
        // exec: the PID we hold is the daemon's; its output goes to a file, never to a pipe nobody reads.
        var log = Path.Combine(Dir, "log", program + ".out");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.Environment["SLURM_CONF"] = Conf;
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$LOG\" 2>&1");
        start.Environment["LOG"] = log;
        start.ArgumentList.Add(Which(program) ?? program);
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Which(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint Geteuid();
}
