package io.wgate.server.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code wgate check}: each file validated as {@code wgate up} would (nothing is changed), each interface checked on
 * its own (overlapping AllowedIPs), then every two ends of one tunnel among the files cross-checked
 * ({@link TwoEndCheck}). Two ends belong together when one lists the other's public key, or when the files hold
 * exactly two ends.
 */
public final class TunnelCheck {

    /**
     * The outcome.
     *
     * @param findings   what is wrong, in file order
     * @param unreadable {@code FILE: WHY} for each file that could not be read
     * @param ends       how many tunnel ends were read
     */
    public record Result(List<Finding> findings, List<String> unreadable, int ends) {

        public Result {
            findings = List.copyOf(findings);
            unreadable = List.copyOf(unreadable);
        }

        /** 0 clean, 1 findings, 2 unreadable input (as the command exits). */
        public int exitCode() {
            return !unreadable.isEmpty() ? 2 : findings.isEmpty() ? 0 : 1;
        }
    }

    private TunnelCheck() {
    }

    public static Result check(List<Path> files) {
        List<Finding> findings = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<TunnelEnd> ends = new ArrayList<>();
        for (Path file : files) {
            try {
                EndLoader.Loaded loaded = EndLoader.load(file);
                findings.addAll(loaded.findings());
                ends.addAll(loaded.ends());
            } catch (IOException e) {
                unreadable.add(file + ": cannot read it: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()));
            }
        }
        for (TunnelEnd end : ends) {
            PeerOverlap.check(end, findings);
        }
        for (int i = 0; i < ends.size(); i++) {
            for (int j = i + 1; j < ends.size(); j++) {
                TunnelEnd a = ends.get(i);
                TunnelEnd b = ends.get(j);
                boolean sameFile = a.file().equals(b.file());
                if (!sameFile && (ends.size() == 2 || TwoEndCheck.belongTogether(a, b))) {
                    TwoEndCheck.check(a, b, findings);
                }
            }
        }
        return new Result(findings, unreadable, ends.size());
    }
}
