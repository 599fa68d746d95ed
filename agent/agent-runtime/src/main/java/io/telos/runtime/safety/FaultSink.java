package io.telos.runtime.safety;

import io.telos.api.Fault;

/** Where the kernel reports faults; the runtime turns them into {@link Fault} records on the bus. */
@FunctionalInterface
public interface FaultSink {
  void fault(Fault.Severity severity, String code, String message);
}
