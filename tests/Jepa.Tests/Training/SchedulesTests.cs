using Jepa.Config;
using Jepa.Training;

namespace Jepa.Tests.Training;

public class SchedulesTests
{
    private static readonly TrainConfig Train = new()
    {
        Steps = 100, WarmupSteps = 10, Lr = 1e-3, MinLr = 1e-5,
        WeightDecay = 0.04, WeightDecayEnd = 0.4, EmaStart = 0.996, EmaEnd = 1.0,
    };

    [Fact]
    public void Learning_rate_warms_up_linearly_peaks_and_ends_at_min_lr()
    {
        Assert.Equal(1e-4, Schedules.LearningRate(Train, 0), 12);
        Assert.Equal(1e-3, Schedules.LearningRate(Train, 9), 12);
        Assert.Equal(1e-3, Schedules.LearningRate(Train, 10), 12);
        Assert.Equal(1e-5, Schedules.LearningRate(Train, 99), 12);
        for (long s = 10; s < 99; s++)
            Assert.True(Schedules.LearningRate(Train, s + 1) <= Schedules.LearningRate(Train, s));
    }

    [Fact]
    public void Weight_decay_and_ema_go_from_start_to_end()
    {
        Assert.Equal(0.04, Schedules.WeightDecay(Train, 0), 12);
        Assert.Equal(0.4, Schedules.WeightDecay(Train, 99), 12);
        Assert.Equal(0.996, Schedules.EmaMomentum(Train, 0), 12);
        Assert.Equal(1.0, Schedules.EmaMomentum(Train, 99), 12);
        Assert.Equal(0.998, Schedules.EmaMomentum(Train, 99) / 2 + Schedules.EmaMomentum(Train, 0) / 2, 12);
    }
}
