package io.telos.runtime.teleop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Fault;
import io.telos.api.HandoverRequest;
import io.telos.api.HandoverRequest.Trigger;
import io.telos.api.Header;
import io.telos.api.LeaseChange;
import io.telos.api.Mode;
import io.telos.api.ModeChange;
import io.telos.api.OperatorAction;
import io.telos.api.OperatorCommand;
import io.telos.api.OperatorCommand.Frame;
import io.telos.api.OperatorCommand.Kind;
import io.telos.api.OperatorReply;
import io.telos.api.PlanSignals;
import io.telos.api.SimulatedClock;
import io.telos.api.Vec;
import io.telos.api.config.Settings;
import io.telos.model.RobotModel;
import io.telos.runtime.safety.ModeArbiter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TeleopServiceTest {
  static final RobotModel ARM = RobotModel.load("builtin:telos6");

  SimulatedClock clock;
  ModeArbiter arbiter;
  List<ModeChange> modes;
  List<HandoverRequest> handovers;
  List<LeaseChange> leases;
  List<OperatorAction> audit;
  TeleopService service;
  TeleopConfig cfg;

  @BeforeEach
  void setUp() {
    cfg = TeleopConfig.from(new Settings("teleop", Map.of("triggers", Map.of("infeasible_ms", 100))));
    clock = new SimulatedClock();
    modes = new ArrayList<>();
    handovers = new ArrayList<>();
    leases = new ArrayList<>();
    audit = new ArrayList<>();
    // mode changes reach the service as they would through the bus, in order
    List<ModeChange> pending = new ArrayList<>();
    arbiter = new ModeArbiter("arm", clock, Mode.AUTONOMOUS, c -> {
      modes.add(c);
      pending.add(c);
    });
    ControlLease lease = new ControlLease();
    service = new TeleopService("arm", arbiter, lease, new JogDrive(ARM.chain(), ARM.limits(), cfg, lease, 1_000_000L),
        new HandoverPolicy(cfg), clock, new TeleopService.Sink() {
          @Override
          public void handover(HandoverRequest r) {
            handovers.add(r);
          }

          @Override
          public void lease(LeaseChange c) {
            leases.add(c);
          }

          @Override
          public void action(OperatorAction a) {
            audit.add(a);
          }
        });
    deliver = () -> {
      while (!pending.isEmpty()) {
        service.onMode(pending.remove(0));
      }
    };
  }

  Runnable deliver;

  OperatorReply send(String op, Kind kind) {
    OperatorReply r = service.handle(OperatorCommand.of(Header.of(0, clock.nanos(), "test"), op, kind));
    deliver.run();
    return r;
  }

  OperatorReply jog(String op, double... v) {
    OperatorReply r = service.handle(new OperatorCommand(Header.of(0, clock.nanos(), "test"), op, Kind.JOG,
        Frame.JOINT, Vec.of(v)));
    deliver.run();
    return r;
  }

  PlanSignals signals(boolean stuck, boolean infeasible) {
    return new PlanSignals(Header.of(0, clock.nanos(), "planner"), "g1", 1.0, 0.2, 0, stuck, infeasible);
  }

  @Test
  void everyCommandIsAuditedExceptHeartbeatsAndTheJogsOfABurstAfterItsFirst() {
    assertFalse(send("bob", Kind.RELEASE).accepted());
    assertTrue(send("ana", Kind.TAKE).accepted());
    assertTrue(send("ana", Kind.HEARTBEAT).accepted());
    assertFalse(send("bob", Kind.HEARTBEAT).accepted());
    for (int i = 0; i < 5; i++) { // one burst: 5 jogs 100 ms apart
      assertTrue(jog("ana", 0.1, 0, 0, 0, 0, 0).accepted());
      clock.advance(100_000_000L);
    }
    clock.advance(2_000_000_000L);
    assertTrue(jog("ana", 0, 0.1, 0, 0, 0, 0).accepted()); // a new burst
    assertTrue(send("ana", Kind.ESTOP).accepted());
    List<String> lines = audit.stream().map(OperatorAction::describe).toList();
    assertEquals(6, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("bob release refused: 'bob' does not hold the lease"), lines.get(0));
    assertEquals("ana take accepted: you have control", lines.get(1));
    assertTrue(lines.get(2).startsWith("bob heartbeat refused"), lines.get(2));
    assertTrue(lines.get(3).startsWith("ana jog accepted: jog joint [0.1, 0.0"), lines.get(3));
    assertTrue(lines.get(4).startsWith("ana jog accepted: jog joint [0.0, 0.1"), lines.get(4));
    assertEquals("ana estop accepted: protective stop", lines.get(5));
    assertTrue(audit.get(5).header().stampNs() > audit.get(1).header().stampNs(), "stamped with the runtime clock");
  }

  @Test
  void stuckRaisesARequestAndHoldsThenTakeServesItAndReleaseResumes() {
    service.onSignals(signals(false, false));
    assertTrue(handovers.isEmpty());
    service.onSignals(signals(true, false));
    deliver.run();
    assertEquals(Mode.HOLD, arbiter.mode());
    assertEquals(1, handovers.size());
    assertEquals(Trigger.STUCK, handovers.get(0).trigger());
    assertTrue(handovers.get(0).open());
    // no second request while one stands
    service.onSignals(signals(true, false));
    assertEquals(1, handovers.size());

    OperatorReply r = send("ana", Kind.TAKE);
    assertTrue(r.accepted(), r.message());
    assertEquals(Mode.TELEOP, arbiter.mode());
    assertEquals("ana", r.holder());
    assertFalse(handovers.get(1).open(), "taking control serves the request");
    assertEquals("ana", leases.get(0).holder());

    assertTrue(jog("ana", 0.1, 0, 0, 0, 0, 0).accepted());
    clock.advance(1_000_000L);
    r = send("ana", Kind.RELEASE);
    assertTrue(r.accepted(), r.message());
    assertEquals(Mode.AUTONOMOUS, arbiter.mode());
    assertEquals("", leases.get(1).holder());
    // signals planned before autonomy resumed do not fire again
    service.onSignals(new PlanSignals(Header.of(0, 0, "planner"), "g1", 1.0, 0.2, 0, true, false));
    assertEquals(2, handovers.size());
    clock.advance(1_000_000L);
    service.onSignals(signals(true, false));
    assertEquals(3, handovers.size(), "a plateau after the release is a new request");
  }

  @Test
  void exactlyOneOperatorHoldsTheLease() {
    assertTrue(send("ana", Kind.TAKE).accepted());
    OperatorReply r = send("bob", Kind.TAKE);
    assertFalse(r.accepted());
    assertTrue(r.message().contains("ana"), r.message());
    assertFalse(jog("bob", 0.1, 0, 0, 0, 0, 0).accepted());
    assertFalse(send("bob", Kind.RELEASE).accepted());
    assertFalse(send("bob", Kind.HEARTBEAT).accepted());
    assertTrue(send("ana", Kind.HEARTBEAT).accepted());
    assertEquals(Mode.TELEOP, arbiter.mode());
    assertTrue(send("ana", Kind.RELEASE).accepted());
    assertTrue(send("bob", Kind.TAKE).accepted(), "free again");
  }

  @Test
  void aProtectiveStopRevokesTheLeaseAndTakeNeedsAReset() {
    assertTrue(send("ana", Kind.TAKE).accepted());
    arbiter.protectiveStop("DEADMAN: no heartbeat");
    deliver.run();
    assertEquals("", service.lease().holder());
    assertTrue(leases.get(leases.size() - 1).reason().contains("DEADMAN"));
    assertFalse(send("ana", Kind.TAKE).accepted());
    assertTrue(send("ana", Kind.RESET).accepted());
    assertEquals(Mode.HOLD, arbiter.mode());
    assertTrue(send("ana", Kind.TAKE).accepted());
  }

  @Test
  void anyoneLoggedInCanStopTheArm() {
    assertTrue(send("ana", Kind.TAKE).accepted());
    assertTrue(send("bob", Kind.ESTOP).accepted());
    assertEquals(Mode.PROTECTIVE_STOP, arbiter.mode());
    assertTrue(send("bob", Kind.RESET).accepted(), "the lease went with the stop, so anyone may reset");
    assertEquals(Mode.HOLD, arbiter.mode());
  }

  @Test
  void infeasibleMustLastAndFaultsOnTheListTrigger() {
    service.onSignals(signals(false, true));
    clock.advance(50_000_000L);
    service.onSignals(signals(false, true));
    assertTrue(handovers.isEmpty(), "50 ms is below the 100 ms threshold");
    clock.advance(60_000_000L);
    service.onSignals(signals(false, true));
    deliver.run();
    assertEquals(Trigger.INFEASIBLE, handovers.get(0).trigger());
    assertEquals(Mode.HOLD, arbiter.mode());
    send("ana", Kind.TAKE);
    send("ana", Kind.RELEASE);
    service.onFault(new Fault(Header.of(0, clock.nanos(), "planner"), Fault.Severity.WARNING, "PLAN_FAILED", "x"));
    assertEquals(2, handovers.size(), "PLAN_FAILED is not on the list");
    service.onFault(new Fault(Header.of(0, clock.nanos(), "safety"), Fault.Severity.CRITICAL, "TRACKING_ERROR", "j2"));
    deliver.run();
    assertEquals(Trigger.FAULT, handovers.get(2).trigger());
    assertTrue(handovers.get(2).detail().startsWith("TRACKING_ERROR"));
  }

  @Test
  void anOperatorCanAskForTheArmAndNamesAreRequired() {
    assertTrue(send("ana", Kind.REQUEST).accepted());
    assertEquals(Trigger.OPERATOR_REQUEST, handovers.get(0).trigger());
    assertEquals(Mode.HOLD, arbiter.mode());
    assertNotNull(service.openRequest());
    assertFalse(send(" ", Kind.TAKE).accepted());
  }

  @Test
  void sustainedModelUncertaintyTriggersButABriefSpikeDoesNot() {
    HandoverPolicy p = new HandoverPolicy(TeleopConfig.from(new Settings("teleop",
        Map.of("triggers", Map.of("uncertainty", 0.05, "sustain_ms", 200, "stuck", false)))));
    java.util.function.LongFunction<PlanSignals> at = t -> new PlanSignals(Header.of(0, t, "planner"), "g1", 1, 0.2,
        t < 400_000_000L || t >= 500_000_000L ? 0.08 : 0.01, false, false);
    assertNull(p.onSignals(at.apply(0)));
    assertNull(p.onSignals(at.apply(150_000_000L)), "150 ms above the threshold is a spike");
    assertNull(p.onSignals(at.apply(450_000_000L)), "back below: the timer restarts");
    assertNull(p.onSignals(at.apply(500_000_000L)));
    HandoverPolicy.Firing f = p.onSignals(at.apply(700_000_000L));
    assertNotNull(f);
    assertEquals(Trigger.UNCERTAIN, f.trigger());
    assertTrue(f.detail().contains("0.0800"), f.detail());
  }

  @Test
  void withoutATeleopSectionNoTriggerFires() {
    TeleopConfig off = TeleopConfig.defaults();
    assertFalse(off.triggersEnabled());
    HandoverPolicy p = new HandoverPolicy(off);
    assertNull(p.onSignals(signals(true, true)));
    assertNull(p.onFault(new Fault(Header.of(0, 0, "s"), Fault.Severity.ERROR, "STATE_STALE", "old")));
  }
}
