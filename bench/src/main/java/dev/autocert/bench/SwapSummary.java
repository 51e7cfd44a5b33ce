package dev.autocert.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes {@code summary-swap.md} of a results folder from what {@code bench/lib/swap.sh} recorded:
 * {@code swap.tsv} (one row per swap, {@link SwapDriver.Result}), {@code swap-batches.tsv} (one row per
 * batch of swaps) and the load clients' rows {@code swap-tls-load} / {@code swap-wrk} of {@code raw.tsv}.
 * Warm-up batches (round {@code w}) are left out of the figures and only their failures are mentioned.
 * Usage: {@code SwapSummary <results folder> <baseline configuration>}.
 */
public final class SwapSummary {

    private SwapSummary() {
    }

    /** One swap as recorded. */
    record Swap(String config, String round, double storeMs, double activateMs, double latencyMs, int probes,
                int failedProbes, double lastProbeMs, double followUpMs, boolean served) {

        /** @return whether the swap belongs to a timed batch, not to the warm-up */
        boolean timed() {
            return !round.equals("w");
        }
    }

    /**
     * @param args the results folder and the baseline configuration
     * @throws IOException when the files cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String baseline = args[1];
        List<Swap> swaps = readTsv(dir.resolve("swap.tsv")).stream().map(r -> new Swap(r.get("config"), r.get("round"),
                num(r, "store_ms"), num(r, "activate_ms"), num(r, "latency_ms"), (int) num(r, "probes"),
                (int) num(r, "failed_probes"), num(r, "last_probe_ms"), num(r, "follow_up_ms"), num(r, "served") == 1)).toList();
        List<Map<String, String>> batches = readTsv(dir.resolve("swap-batches.tsv"));
        List<Summary.Row> load = Summary.readRows(dir.resolve("raw.tsv")).stream()
                .filter(r -> r.bench().startsWith("swap-")).toList();
        String text = render(swaps, batches, load, baseline);
        Files.writeString(dir.resolve("summary-swap.md"), text, StandardCharsets.UTF_8);
        System.out.print(text);
    }

    /** @return the Markdown section: definitions, the per-configuration table, the latency ratios and the notes */
    static String render(List<Swap> swaps, List<Map<String, String>> batches, List<Summary.Row> load, String baseline) {
        List<String> configs = new ArrayList<>();
        swaps.forEach(s -> {
            if (!configs.contains(s.config())) {
                configs.add(s.config());
            }
        });
        if (configs.remove(baseline)) {
            configs.add(0, baseline);
        }
        StringBuilder out = new StringBuilder("\n## Certificate swap under load (issue #8 item 4)\n\n");
        out.append("Latency = t1 − t0 per swap: t0 when the new certificate was stored (Autocert: `FileStore.saveCertificate` "
                + "returned; keystore-reload: the new PKCS#12 file renamed over the connector's), t1 when a new JSSE handshake "
                + "(new SSLContext, no resumption) first presented it; it includes the activation (Autocert: "
                + "`LiveCertificates.install`; keystore-reload: `reloadSslHostConfigs()`) and the probe handshake itself. "
                + "Percentiles are nearest-rank. Failed requests = tls-load failures + wrk socket errors and non-2xx + failed "
                + "probe handshakes, during the timed batches.\n\n");
        Summary.Row anyTls = load.stream().filter(r -> r.bench().equals("swap-tls-load")).findFirst().orElse(null);
        Summary.Row anyWrk = load.stream().filter(r -> r.bench().equals("swap-wrk")).findFirst().orElse(null);
        if (anyTls != null || anyWrk != null) {
            List<String> commands = new ArrayList<>();
            for (Summary.Row r : Arrays.asList(anyTls, anyWrk)) {
                if (r != null) {
                    commands.add("`" + r.note().replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                            .replaceAll("-d ?\\d+s? ", "") + "`");
                }
            }
            out.append("Load during every batch, both at once, from before its first swap until after its last: ")
                    .append(String.join(" and ", commands)).append(".\n\n");
        }
        out.append("| config | swaps served | latency p50 ms | p99 ms | max ms | mean ms | activation p50 (max) ms | "
                + "after-install work p50 (max) ms | probe handshake p50 ms | swaps needing > 1 probe | failed probes | "
                + "tls-load ok / failed | wrk ok / failed | **failed requests** |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String c : configs) {
            List<Swap> timed = swaps.stream().filter(s -> s.config().equals(c) && s.timed()).toList();
            if (timed.isEmpty()) {
                continue;
            }
            long failedProbes = timed.stream().mapToLong(Swap::failedProbes).sum();
            long[] tls = okFailed(load, "swap-tls-load", c);
            long[] wrk = okFailed(load, "swap-wrk", c);
            out.append("| ").append(c)
                    .append(" | ").append(timed.stream().filter(Swap::served).count()).append(" of ").append(timed.size())
                    .append(" | ").append(ms(percentile(timed, Swap::latencyMs, 0.50)))
                    .append(" | ").append(ms(percentile(timed, Swap::latencyMs, 0.99)))
                    .append(" | ").append(ms(percentile(timed, Swap::latencyMs, 1.0)))
                    .append(" | ").append(ms(timed.stream().mapToDouble(Swap::latencyMs).average().orElse(Double.NaN)))
                    .append(" | ").append(ms(percentile(timed, Swap::activateMs, 0.5))).append(" (")
                    .append(ms(percentile(timed, Swap::activateMs, 1.0))).append(')')
                    .append(" | ").append(timed.stream().allMatch(s -> s.followUpMs() == 0) ? "–"
                            : ms(percentile(timed, Swap::followUpMs, 0.5)) + " (" + ms(percentile(timed, Swap::followUpMs, 1.0)) + ")")
                    .append(" | ").append(ms(percentile(timed, Swap::lastProbeMs, 0.5)))
                    .append(" | ").append(timed.stream().filter(s -> s.probes() > 1).count())
                    .append(" | ").append(failedProbes)
                    .append(" | ").append(tls[0]).append(" / ").append(tls[1])
                    .append(" | ").append(wrk[0]).append(" / ").append(wrk[1])
                    .append(" | **").append(tls[1] + wrk[1] + failedProbes).append("** |\n");
        }
        ratios(out, swaps, configs, baseline);
        notes(out, swaps, batches, load);
        return out.toString();
    }

    private static void ratios(StringBuilder out, List<Swap> swaps, List<String> configs, String baseline) {
        List<Swap> base = swaps.stream().filter(s -> s.config().equals(baseline) && s.timed()).toList();
        if (base.isEmpty() || configs.size() < 2) {
            return;
        }
        out.append("\n| latency of ").append(baseline).append(" ÷ latency of | p50 | p99 | max | mean |\n|---|---|---|---|---|\n");
        for (String c : configs.subList(1, configs.size())) {
            List<Swap> timed = swaps.stream().filter(s -> s.config().equals(c) && s.timed()).toList();
            out.append("| ").append(c);
            for (double q : new double[] {0.5, 0.99, 1.0}) {
                out.append(" | ").append(Summary.fmt("%.2f×", percentile(base, Swap::latencyMs, q) / percentile(timed, Swap::latencyMs, q)));
            }
            out.append(" | ").append(Summary.fmt("%.2f×", base.stream().mapToDouble(Swap::latencyMs).average().orElse(Double.NaN)
                    / timed.stream().mapToDouble(Swap::latencyMs).average().orElse(Double.NaN))).append(" |\n");
        }
    }

    private static void notes(StringBuilder out, List<Swap> swaps, List<Map<String, String>> batches, List<Summary.Row> load) {
        List<String> late = batches.stream().filter(b -> !"1".equals(b.get("under_load")))
                .map(b -> b.get("config") + " batch " + b.get("round") + " (" + b.get("elapsed_ms") + " ms)").toList();
        out.append('\n').append(late.isEmpty() ? "Every swap ran while the load ran." : "Swaps still running when the load "
                + "had ended: " + String.join(", ", late) + ".").append('\n');
        List<String> warm = new ArrayList<>();
        for (String c : swaps.stream().map(Swap::config).distinct().toList()) {
            long probes = swaps.stream().filter(s -> s.config().equals(c) && !s.timed()).mapToLong(Swap::failedProbes).sum();
            long requests = load.stream().filter(r -> r.config().equals(c) && r.round().equals("bw")).mapToLong(Summary.Row::fails).sum();
            if (probes + requests > 0) {
                warm.add(c + " " + (probes + requests));
            }
        }
        out.append(warm.isEmpty() ? "No failures in the warm-up batches either.\n"
                : "Failures in the warm-up batches (not counted above): " + String.join(", ", warm) + ".\n");
    }

    /** @return successful and failed operations of one load client over the timed batches of a configuration */
    private static long[] okFailed(List<Summary.Row> load, String bench, String config) {
        List<Summary.Row> rs = load.stream().filter(r -> r.bench().equals(bench) && r.config().equals(config)
                && !r.round().equals("bw")).toList();
        return new long[] {rs.stream().mapToLong(Summary.Row::ops).sum(), rs.stream().mapToLong(Summary.Row::fails).sum()};
    }

    /** Nearest-rank percentile: the smallest value with at least {@code q} of all values at or below it. */
    static double percentile(List<Swap> swaps, ToDoubleFunction<Swap> f, double q) {
        double[] v = swaps.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * v.length);
        return v[Math.max(0, Math.min(v.length, rank) - 1)];
    }

    private static String ms(double v) {
        return Summary.fmt(v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static double num(Map<String, String> row, String key) {
        try {
            return Double.parseDouble(row.getOrDefault(key, ""));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<Map<String, String>> readTsv(Path tsv) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(tsv)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        String[] head = lines.get(0).split("\t", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < head.length && i < f.length; i++) {
                row.put(head[i], f[i]);
            }
            rows.add(row);
        }
        return rows;
    }
}
