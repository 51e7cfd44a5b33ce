package dev.autocert.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Turns one results folder of {@code bench/run.sh} into {@code summary.md}: medians (min–max) over the
 * timed rounds, ratios against the baseline measured in the same run, the heap figures and the JMH scores.
 * Usage: {@code Summary <results folder>}; prints the summary as well.
 */
public final class Summary {

    /** bench name → its baseline configuration, title, unit of an operation, target ratio. */
    private static final Map<String, String[]> BENCHES = new LinkedHashMap<>();

    static {
        BENCHES.put("tls", new String[] {"plain", "TLS 1.3 handshakes (issue #3)", "handshake", "0.97"});
        BENCHES.put("http-overhead", new String[] {"no-valve", "Plain-HTTP request overhead of AcmeChallengeValve (issue #8 i)", "request", "0.99"});
        BENCHES.put("http01", new String[] {"webroot", "HTTP-01 answers: valve vs DefaultServlet webroot (issue #8 ii)", "request", "1.5"});
        BENCHES.put("jetty-overhead", new String[] {"no-autocert", "Plain-HTTP request overhead of JettyAutocert in embedded Jetty (issue #8 i)", "request", "0.99"});
        BENCHES.put("jetty-http01", new String[] {"webroot", "HTTP-01 answers in Jetty: AcmeChallengeHandler vs ResourceHandler webroot (issue #8 ii)", "request", "1.5"});
    }

    /** Runs during which other processes used less than this share of the machine count as quiet. */
    private static final double QUIET_FOREIGN_PCT = 10;

    private Summary() {
    }

    /** One timed measurement. */
    record Row(String bench, String config, String round, double secs, long ops, long fails, double rate,
               double srvUsPerOp, double cliUsPerOp, double latMeanMs, double latP99Ms, double busyBefore,
               double foreign, double gcCount, double gcMs, String note) {

        /** @return garbage collections per 1,000 operations */
        double gcPer1k() {
            return ops == 0 ? Double.NaN : 1000 * gcCount / ops;
        }

        /** @return GC pause time per 1,000 operations, ms */
        double gcMsPer1k() {
            return ops == 0 ? Double.NaN : 1000 * gcMs / ops;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        StringBuilder out = new StringBuilder();
        Map<String, String> env = readKv(dir.resolve("env.txt"));
        out.append("# Autocert benchmark summary: ").append(env.getOrDefault("run", dir.getFileName().toString()))
                .append(env.containsKey("mode") ? " (" + env.get("mode") + ")" : "").append("\n\n");
        for (String k : List.of("machine", "cpus", "load_at_start", "java", "openssl", "wrk", "settings")) {
            if (env.containsKey(k)) {
                out.append("- ").append(k).append(": ").append(env.get(k)).append('\n');
            }
        }
        out.append("\nFigures are median (min–max) over n timed rounds; the configurations were measured round-robin "
                + "in one run, so ratios against the same-run baseline are the result. \"paired\" = the median "
                + "of the per-round ratios (each configuration against the baseline run in the same round). Server CPU = "
                + "Δ(utime+stime) of the server JVM ÷ operations; server capacity = baseline CPU per operation ÷ this "
                + "configuration's, i.e. operations per server CPU-second relative to the baseline. Foreign CPU = machine "
                + "busy time minus server and client, share of all cores.\n");

        List<Row> rows = readRows(dir.resolve("raw.tsv"));
        Map<String, Map<String, String>> servers = readServers(dir.resolve("servers.tsv"));
        for (Map.Entry<String, String[]> bench : BENCHES.entrySet()) {
            List<Row> timed = rows.stream().filter(r -> r.bench().equals(bench.getKey()) && r.round().matches("\\d+")).toList();
            if (timed.isEmpty()) {
                continue;
            }
            section(out, bench.getKey(), bench.getValue(), timed);
            if (bench.getKey().equals("tls")) {
                heap(out, servers);
            }
        }
        jmh(out, dir.resolve("jmh.csv"));
        appendSections(out, dir);
        String text = out.toString();
        Files.writeString(dir.resolve("summary.md"), text, StandardCharsets.UTF_8);
        System.out.print(text);
    }

    /** The sections the benchmarks of {@code bench/lib/*.sh} wrote themselves ({@code summary-<name>.md}), by name. */
    private static void appendSections(StringBuilder out, Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("summary-.+\\.md")).sorted().toList()) {
                out.append('\n').append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
    }

    private static void section(StringBuilder out, String bench, String[] meta, List<Row> timed) {
        String base = meta[0];
        String unit = meta[2];
        List<String> configs = new ArrayList<>();
        timed.forEach(r -> {
            if (!configs.contains(r.config())) {
                configs.add(r.config());
            }
        });
        if (configs.remove(base)) {
            configs.add(0, base);
        }
        out.append("\n## ").append(meta[1]).append("\n\n");
        String note = timed.get(0).note();
        if (note != null && !note.isBlank() && !note.equals("-")) {
            out.append("Load: `").append(note.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")).append("`\n\n");
        }
        out.append("All timed runs:\n\n");
        tables(out, meta, timed, configs);
        List<Row> quiet = timed.stream().filter(r -> r.foreign() < QUIET_FOREIGN_PCT).toList();
        boolean enough = configs.stream().allMatch(c -> quiet.stream().filter(r -> r.config().equals(c)).count() >= 2);
        if (enough && quiet.size() < timed.size()) {
            out.append("\nOnly the runs during which other processes used less than ").append((int) QUIET_FOREIGN_PCT)
                    .append(" % of the machine (paired ratios: both runs of the round quiet):\n\n");
            tables(out, meta, quiet, configs);
        } else if (!enough) {
            out.append("\n(Too few runs with foreign CPU < ").append((int) QUIET_FOREIGN_PCT)
                    .append(" % for a quiet-only view.)\n");
        }
    }

    private static void tables(StringBuilder out, String[] meta, List<Row> timed, List<String> configs) {
        String base = meta[0];
        String unit = meta[2];
        out.append("| config | ").append(unit).append("s/s | n | server CPU µs/").append(unit)
                .append(" | client CPU µs/").append(unit).append(" | GCs / GC ms per 1,000 ").append(unit)
                .append("s | latency mean / p99 ms | failures | busy before % | foreign CPU % |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (String c : configs) {
            List<Row> rs = timed.stream().filter(r -> r.config().equals(c)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            out.append("| ").append(c)
                    .append(" | ").append(stat(rs, Row::rate, "%.0f"))
                    .append(" | ").append(rs.size())
                    .append(" | ").append(stat(rs, Row::srvUsPerOp, "%.1f"))
                    .append(" | ").append(stat(rs, Row::cliUsPerOp, "%.1f"))
                    .append(" | ").append(fmt("%.2f", median(rs, Row::gcPer1k))).append(" / ")
                    .append(fmt("%.1f", median(rs, Row::gcMsPer1k)))
                    .append(" | ").append(fmt("%.2f", median(rs, Row::latMeanMs))).append(" / ")
                    .append(fmt("%.2f", median(rs, Row::latP99Ms)))
                    .append(" | ").append(rs.stream().mapToLong(Row::fails).sum()).append(" of ")
                    .append(rs.stream().mapToLong(r -> r.ops() + r.fails()).sum())
                    .append(" | ").append(stat(rs, Row::busyBefore, "%.0f"))
                    .append(" | ").append(stat(rs, Row::foreign, "%.1f"))
                    .append(" |\n");
        }
        List<Row> baseRows = timed.stream().filter(r -> r.config().equals(base)).toList();
        if (baseRows.isEmpty() || configs.size() < 2) {
            return;
        }
        double target = Double.parseDouble(meta[3]);
        out.append("\n| ratio to ").append(base).append(" | ").append(unit).append("s/s, of medians | ")
                .append(unit).append("s/s, paired | server capacity (").append(unit)
                .append("s per server CPU-second), paired | target ≥ ").append(meta[3]).append("× |\n|---|---|---|---|---|\n");
        for (String c : configs.subList(1, configs.size())) {
            List<Row> rs = timed.stream().filter(r -> r.config().equals(c)).toList();
            double rate = median(rs, Row::rate) / median(baseRows, Row::rate);
            List<Double> pairedRate = new ArrayList<>();
            List<Double> pairedCapacity = new ArrayList<>();
            for (Row r : rs) {
                baseRows.stream().filter(b -> b.round().equals(r.round())).findFirst().ifPresent(b -> {
                    pairedRate.add(r.rate() / b.rate());
                    pairedCapacity.add(b.srvUsPerOp() / r.srvUsPerOp());
                });
            }
            double[] pr = pairedRate.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] pc = pairedCapacity.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.append("| ").append(c).append(" | ").append(fmt("%.3f", rate))
                    .append(" | ").append(spread(pr)).append(" | ").append(spread(pc))
                    .append(" | throughput ").append(verdict(pr, target))
                    .append("; capacity ").append(verdict(pc, target)).append(" |\n");
        }
    }

    private static String spread(double[] sorted) {
        if (sorted.length == 0) {
            return "–";
        }
        return fmt("%.3f", median(sorted)) + " (" + fmt("%.3f", sorted[0]) + "–" + fmt("%.3f", sorted[sorted.length - 1])
                + "), n=" + sorted.length;
    }

    /** met / not met on the paired median; "within spread" when the per-round ratios fall on both sides. */
    private static String verdict(double[] sorted, double target) {
        if (sorted.length == 0) {
            return "–";
        }
        String v = median(sorted) >= target ? "met" : "NOT met";
        return sorted[0] < target && sorted[sorted.length - 1] >= target ? v + " (rounds on both sides)" : v;
    }

    private static void heap(StringBuilder out, Map<String, Map<String, String>> servers) {
        out.append("\n### Server heap (used heap after System.gc(), printed by each server process)\n\n");
        out.append("| server | live names | heap after start | heap after loading | per extra certificate | extra certificates made in | RSS after the runs |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, String>> s : servers.entrySet()) {
            if (!s.getKey().startsWith("tls-")) {
                continue;
            }
            Map<String, String> kv = s.getValue();
            out.append("| ").append(s.getKey().substring(4)).append(" | ").append(kv.getOrDefault("live_names", "–"))
                    .append(" | ").append(mib(kv.get("heap_used_after_gc_start")))
                    .append(" | ").append(mib(kv.get("heap_used_after_gc_loaded")))
                    .append(" | ").append(kv.containsKey("heap_per_cert_bytes") ? kv.get("heap_per_cert_bytes") + " B" : "–")
                    .append(" | ").append(kv.containsKey("generate_ms") ? kv.get("generate_ms") + " ms (generated)"
                            : kv.containsKey("load_ms") ? kv.get("load_ms") + " ms (read from the cache)" : "–")
                    .append(" | ").append(kv.containsKey("rss_kb_end") ? fmt("%.1f MB", Long.parseLong(kv.get("rss_kb_end")) / 1000.0) : "–")
                    .append(" |\n");
        }
    }

    private static void jmh(StringBuilder out, Path csv) throws IOException {
        if (!Files.exists(csv)) {
            return;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            return;
        }
        out.append("\n## JMH microbenchmarks (issue #8 iii), average time per call\n\n");
        out.append("| benchmark | certs | ns/op | ± (99.9 %) | samples |\n|---|---|---|---|---|\n");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = splitCsv(line);
            if (f.length < 7) {
                continue;
            }
            String name = f[0].replace("dev.autocert.bench.jmh.", "");
            out.append("| ").append(name).append(" | ").append(f.length > 7 && !f[7].isEmpty() ? f[7] : "–")
                    .append(" | ").append(fmt("%.1f", Double.parseDouble(f[4])))
                    .append(" | ").append(f[5].equals("NaN") ? "–" : fmt("%.1f", Double.parseDouble(f[5])))
                    .append(" | ").append(f[3]).append(" |\n");
        }
    }

    private static String[] splitCsv(String line) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        f.add(cur.toString());
        return f.toArray(new String[0]);
    }

    private static String mib(String bytes) {
        return bytes == null ? "–" : fmt("%.1f MiB", Long.parseLong(bytes) / 1048576.0);
    }

    private static String stat(List<Row> rs, ToDoubleFunction<Row> f, String format) {
        double[] v = rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return "–";
        }
        return fmt(format, median(v)) + " (" + fmt(format, v[0]) + "–" + fmt(format, v[v.length - 1]) + ")";
    }

    private static double median(List<Row> rs, ToDoubleFunction<Row> f) {
        return median(rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray());
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String fmt(String format, double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, format, v);
    }

    static List<Row> readRows(Path tsv) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(tsv)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        List<String> head = Arrays.asList(lines.get(0).split("\t", -1));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            if (f.length < head.size()) {
                continue;
            }
            Function<String, String> s = k -> head.indexOf(k) < 0 ? "" : f[head.indexOf(k)];
            Function<String, Double> d = k -> {
                try {
                    return Double.parseDouble(s.apply(k));
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            };
            rows.add(new Row(s.apply("bench"), s.apply("config"), s.apply("round"), d.apply("secs"),
                    (long) (double) d.apply("ops"), (long) (double) d.apply("fails"), d.apply("ops_per_s"),
                    d.apply("srv_us_per_op"), d.apply("cli_us_per_op"), d.apply("lat_mean_ms"), d.apply("lat_p99_ms"),
                    d.apply("busy_before_pct"), d.apply("foreign_pct"), d.apply("gc_count"), d.apply("gc_ms"),
                    s.apply("note")));
        }
        return rows;
    }

    private static Map<String, Map<String, String>> readServers(Path tsv) throws IOException {
        Map<String, Map<String, String>> servers = new TreeMap<>();
        if (!Files.exists(tsv)) {
            return servers;
        }
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f.length >= 3 && !f[0].equals("server")) {
                servers.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f[2]);
            }
        }
        return servers;
    }

    private static Map<String, String> readKv(Path file) throws IOException {
        Map<String, String> kv = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return kv;
    }
}
