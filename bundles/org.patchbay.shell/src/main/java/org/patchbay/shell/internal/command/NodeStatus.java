package org.patchbay.shell.internal.command;

import java.time.Duration;
import java.util.List;

import org.patchbay.api.health.HealthReport;
import org.patchbay.api.health.HealthResult;

/**
 * What {@code pb:status} returns. Its parts stay reachable from Gogo, e.g. {@code (pb:status) bundles};
 * {@link #toString()} is the table the console prints.
 *
 * @param version the node version, {@code unknown} when the framework property is not set
 * @param health the health report, or null when no health service is available
 */
public record NodeStatus(String version, Duration uptime, HealthReport health, String healthProblem,
        List<BundleRow> bundles) {

    /** One Patchbay bundle. {@code capability} is its Bundle-Description. */
    public record BundleRow(long id, String state, String name, String version, String capability) {
    }

    public NodeStatus {
        bundles = List.copyOf(bundles);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("Patchbay ").append(version).append("  up ").append(formatUptime(uptime))
                .append("  health ").append(healthWord()).append("\n\n");
        if (health != null && !health.checks().isEmpty()) {
            TextTable checks = new TextTable("CHECK", "STATUS", "DETAIL");
            for (HealthResult r : health.checks()) {
                checks.row(r.name(), r.degraded() ? "DEGRADED" : r.healthy() ? "UP" : "DOWN", r.detail());
            }
            sb.append(checks).append("\n\n");
        }
        TextTable table = new TextTable("ID", "STATE", "BUNDLE", "VERSION", "CAPABILITY");
        for (BundleRow b : bundles) {
            table.row(b.id(), b.state(), b.name(), b.version(), b.capability());
        }
        return sb.append(table).toString();
    }

    private String healthWord() {
        if (health == null) {
            return "UNKNOWN (" + healthProblem + ")";
        }
        if (!health.healthy()) {
            return "DOWN";
        }
        String degraded = health.checks().stream().filter(HealthResult::degraded).map(HealthResult::name)
                .collect(java.util.stream.Collectors.joining(", "));
        return degraded.isEmpty() ? "UP" : "UP (degraded: " + degraded + ")";
    }

    /** {@code 3d 4h 5m 6s}, leaving out leading zero units. */
    static String formatUptime(Duration d) {
        long s = Math.max(0, d.getSeconds());
        long days = s / 86_400;
        long hours = s / 3_600 % 24;
        long minutes = s / 60 % 60;
        long seconds = s % 60;
        if (days > 0) {
            return String.format("%dd %dh %dm %ds", days, hours, minutes, seconds);
        }
        if (hours > 0) {
            return String.format("%dh %dm %ds", hours, minutes, seconds);
        }
        return minutes > 0 ? String.format("%dm %ds", minutes, seconds) : seconds + "s";
    }
}
