package io.llmxds.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time spent by the threads of this JVM since the last {@link #sample()}, split into the benchmark harness's
 * threads (named by {@code isHarness}) and everyone else's (the server's). Threads that ended between two samples
 * are lost; GC and JIT threads are not Java threads and count in neither (see {@link #processNanos()}).
 */
final class ThreadCpu {
  /** CPU nanoseconds of the harness's threads, of the others, and of the whole process (GC, JIT included). */
  record Split(long harness, long server, long process) {}

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Predicate<String> isHarness;
  private final Map<Long, Long> last = new HashMap<>();
  private long lastProcess = processNanos();

  ThreadCpu(Predicate<String> isHarness) {
    this.isHarness = isHarness;
    sample();
  }

  /** CPU used since the previous call. */
  Split sample() {
    long harness = 0;
    long server = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = threads.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      Long before = last.put(info.getThreadId(), now);
      long used = now - (before == null ? 0 : before);
      if (isHarness.test(info.getThreadName())) {
        harness += used;
      } else {
        server += used;
      }
    }
    long process = processNanos();
    Split split = new Split(harness, server, process - lastProcess);
    lastProcess = process;
    return split;
  }

  private static long processNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
