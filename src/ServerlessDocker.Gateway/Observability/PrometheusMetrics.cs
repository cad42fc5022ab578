using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace ServerlessDocker.Gateway.Observability;

/// <summary>
/// A small Prometheus registry (text exposition format 0.0.4): labelled counters, gauges and histograms.
/// </summary>
/// <remarks>
/// Written here instead of using prometheus-net: prometheus-net 8.2.1 depends on Microsoft.Extensions.Http 3.1.0 and
/// ObjectPool 7.0.0, which the project's package feed lacks, and the resulting NU1603 (an error under warnings-as-errors)
/// surfaced in every project that references the CLI. The gateway needs only these three metric kinds.
/// </remarks>
internal sealed class MetricRegistry
{
    private readonly List<MetricFamily> _families = [];
    private readonly List<Action> _beforeCollect = [];

    public T Add<T>(T family) where T : MetricFamily
    {
        lock (_families)
        {
            _families.Add(family);
        }

        return family;
    }

    public void AddBeforeCollectCallback(Action callback)
    {
        lock (_beforeCollect)
        {
            _beforeCollect.Add(callback);
        }
    }

    public string Export()
    {
        lock (_beforeCollect)
        {
            foreach (var callback in _beforeCollect)
            {
                callback();
            }
        }

        var sb = new StringBuilder();
        lock (_families)
        {
            foreach (var family in _families)
            {
                family.Write(sb);
            }
        }

        return sb.ToString();
    }

    public async Task CollectAndExportAsTextAsync(Stream stream, CancellationToken cancellationToken) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Export()), cancellationToken).ConfigureAwait(false);

    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A metric name with its help, type and label names; one child per label-value combination.</summary>
internal abstract class MetricFamily(string name, string help, string type, string[] labelNames)
{
    public string Name { get; } = name;

    protected string[] LabelNames { get; } = labelNames;

    public void Write(StringBuilder sb)
    {
        sb.Append("# HELP ").Append(Name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        sb.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
        WriteSamples(sb);
    }

    protected abstract void WriteSamples(StringBuilder sb);

    protected string Labels(string[] values, string? extraName = null, string? extraValue = null)
    {
        var parts = LabelNames.Select((n, i) => $"{n}=\"{Escape(values[i])}\"").ToList();
        if (extraName is not null)
        {
            parts.Add($"{extraName}=\"{extraValue}\"");
        }

        return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
    }

    protected void CheckArity(string[] values)
    {
        if (values.Length != LabelNames.Length)
        {
            throw new ArgumentException($"metric {Name} takes {LabelNames.Length} label value(s), got {values.Length}");
        }
    }

    protected static string Key(string[] values) => string.Join('\u0001', values);

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>A value that can go up and down (also used for counters, which only go up).</summary>
internal sealed class GaugeFamily(string name, string help, string[] labelNames, string type = "gauge") : MetricFamily(name, help, type, labelNames)
{
    private readonly ConcurrentDictionary<string, (string[] Labels, Cell Cell)> _children = new(StringComparer.Ordinal);

    public Cell WithLabels(params string[] values)
    {
        CheckArity(values);
        return _children.GetOrAdd(Key(values), _ => (values, new Cell())).Cell;
    }

    public void Set(double value) => WithLabels().Set(value);

    protected override void WriteSamples(StringBuilder sb)
    {
        foreach (var (labels, cell) in _children.Values.OrderBy(c => Key(c.Labels), StringComparer.Ordinal))
        {
            sb.Append(Name).Append(Labels(labels)).Append(' ').Append(MetricRegistry.Format(cell.Value)).Append('\n');
        }
    }

    /// <summary>One labelled value; thread-safe.</summary>
    internal sealed class Cell
    {
        private double _value;
        private readonly Lock _lock = new();

        public double Value
        {
            get
            {
                lock (_lock)
                {
                    return _value;
                }
            }
        }

        public void Inc(double by = 1)
        {
            lock (_lock)
            {
                _value += by;
            }
        }

        public void Dec(double by = 1) => Inc(-by);

        public void Set(double value)
        {
            lock (_lock)
            {
                _value = value;
            }
        }
    }
}

/// <summary>Observations counted into cumulative buckets, with their sum and count.</summary>
internal sealed class HistogramFamily(string name, string help, string[] labelNames, double[] buckets) : MetricFamily(name, help, "histogram", labelNames)
{
    private readonly ConcurrentDictionary<string, (string[] Labels, Child Child)> _children = new(StringComparer.Ordinal);

    public Child WithLabels(params string[] values)
    {
        CheckArity(values);
        return _children.GetOrAdd(Key(values), _ => (values, new Child(buckets))).Child;
    }

    public static double[] ExponentialBuckets(double start, double factor, int count) =>
        Enumerable.Range(0, count).Select(i => start * Math.Pow(factor, i)).ToArray();

    protected override void WriteSamples(StringBuilder sb)
    {
        foreach (var (labels, child) in _children.Values.OrderBy(c => Key(c.Labels), StringComparer.Ordinal))
        {
            var (counts, sum, count) = child.Snapshot();
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += counts[i];
                sb.Append(Name).Append("_bucket").Append(Labels(labels, "le", MetricRegistry.Format(buckets[i]))).Append(' ').Append(cumulative).Append('\n');
            }

            sb.Append(Name).Append("_bucket").Append(Labels(labels, "le", "+Inf")).Append(' ').Append(count).Append('\n');
            sb.Append(Name).Append("_sum").Append(Labels(labels)).Append(' ').Append(MetricRegistry.Format(sum)).Append('\n');
            sb.Append(Name).Append("_count").Append(Labels(labels)).Append(' ').Append(count).Append('\n');
        }
    }

    /// <summary>One labelled histogram; thread-safe.</summary>
    internal sealed class Child(double[] buckets)
    {
        private readonly long[] _counts = new long[buckets.Length];
        private readonly Lock _lock = new();
        private double _sum;
        private long _count;

        public void Observe(double value)
        {
            lock (_lock)
            {
                var i = Array.FindIndex(buckets, b => value <= b);
                if (i >= 0)
                {
                    _counts[i]++;
                }

                _sum += value;
                _count++;
            }
        }

        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            lock (_lock)
            {
                return ((long[])_counts.Clone(), _sum, _count);
            }
        }
    }
}
