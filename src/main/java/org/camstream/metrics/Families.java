package org.camstream.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric families of one scrape, in the order they were declared: each a counter, a gauge or an info, and
 * its samples, each with its labels. A family that got no sample is left out of the exposition.
 */
final class Families {

    private enum Kind {
        COUNTER,
        GAUGE,
        INFO
    }

    /** One family: {@link #add} a sample with its labels as name, value pairs. */
    static final class Family {
        private final Kind kind;
        private final String name;
        private final String help;
        private final List<Double> values = new ArrayList<>();
        private final List<Labels> labels = new ArrayList<>();

        private Family(Kind kind, String name, String help) {
            this.kind = kind;
            this.name = name;
            this.help = help;
        }

        /** A sample; {@code labelPairs} are name, value, name, value… */
        void add(double value, String... labelPairs) {
            values.add(value);
            labels.add(Labels.of(labelPairs));
        }

        /** An info sample: its value is always 1. */
        void info(String... labelPairs) {
            add(1, labelPairs);
        }

        private MetricSnapshot snapshot() {
            switch (kind) {
                case COUNTER: {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                    for (int i = 0; i < values.size(); i++) {
                        b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(values.get(i))
                                .labels(labels.get(i)).build());
                    }
                    return b.build();
                }
                case GAUGE: {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                    for (int i = 0; i < values.size(); i++) {
                        b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(values.get(i))
                                .labels(labels.get(i)).build());
                    }
                    return b.build();
                }
                default: {
                    InfoSnapshot.Builder b = InfoSnapshot.builder().name(name).help(help);
                    for (Labels l : labels) {
                        b.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(l).build());
                    }
                    return b.build();
                }
            }
        }
    }

    private final List<Family> all = new ArrayList<>();

    /** A counter; {@code name} without {@code _total}, which the exposition adds. */
    Family counter(String name, String help) {
        return add(new Family(Kind.COUNTER, name, help));
    }

    Family gauge(String name, String help) {
        return add(new Family(Kind.GAUGE, name, help));
    }

    /** An info metric; {@code name} without {@code _info}, which the exposition adds. Its labels are the figures. */
    Family info(String name, String help) {
        return add(new Family(Kind.INFO, name, help));
    }

    private Family add(Family family) {
        all.add(family);
        return family;
    }

    /** Every family that has a sample. */
    MetricSnapshots snapshots() {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        for (Family family : all) {
            if (!family.values.isEmpty()) {
                b.metricSnapshot(family.snapshot());
            }
        }
        return b.build();
    }
}
