package io.telos.bridge.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.Header;
import io.telos.api.JointCommand;
import io.telos.api.Mode;
import io.telos.api.Vec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class CommandOutboxTest {
  private static JointCommand command(long seq) {
    return new JointCommand(Header.of(seq, seq, "test"), List.of("j"), Vec.of(seq), Vec.of(0), Mode.AUTONOMOUS);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(1); // polling another thread's counters
    }
  }

  /** A sender that blocks on its first command until released. */
  private static final class Gate {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Long> sent = new CopyOnWriteArrayList<>();

    boolean send(JointCommand c) throws InterruptedException {
      entered.countDown();
      assertTrue(release.await(5, TimeUnit.SECONDS));
      sent.add(c.header().sequence());
      return true;
    }
  }

  @Test
  void theNewestCommandWinsAndOlderOnesAreCountedAsSuperseded() throws Exception {
    Gate gate = new Gate();
    try (CommandOutbox box = new CommandOutbox("test/arm", "outbox-test", gate::send)) {
      box.start();
      box.offer(command(1));
      assertTrue(gate.entered.await(5, TimeUnit.SECONDS));
      box.offer(command(2)); // waits while 1 is being sent
      box.offer(command(3)); // replaces 2
      gate.release.countDown();
      await("two sent", () -> box.sent() == 2);
      assertEquals(List.of(1L, 3L), gate.sent);
      assertEquals(1, box.superseded());
      assertEquals(0, box.dropped());
      assertEquals(3, box.writes());
    }
  }

  @Test
  void aSenderThatWaitedSendsWhatCameMeanwhile() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Long> sent = new CopyOnWriteArrayList<>();
    CommandOutbox[] holder = new CommandOutbox[1];
    try (CommandOutbox box = new CommandOutbox("test/arm", "outbox-test", c -> {
      entered.countDown();
      assertTrue(release.await(5, TimeUnit.SECONDS)); // a previous publication completing
      sent.add(holder[0].newest(c).header().sequence());
      return true;
    })) {
      holder[0] = box;
      box.start();
      box.offer(command(1));
      assertTrue(entered.await(5, TimeUnit.SECONDS));
      box.offer(command(2));
      release.countDown();
      await("one sent", () -> box.sent() == 1);
      assertEquals(List.of(2L), sent);
      assertEquals(1, box.superseded());
    }
  }

  @Test
  void refusedFailedAndDiscardedCommandsAreDropped() throws Exception {
    Gate gate = new Gate();
    int[] calls = {0};
    try (CommandOutbox box = new CommandOutbox("test/arm", "outbox-test", c -> {
      calls[0]++;
      if (c.header().sequence() == 1) {
        return false; // e.g. link down
      }
      if (c.header().sequence() == 2) {
        throw new IllegalStateException("transport closed");
      }
      return gate.send(c);
    })) {
      box.start();
      box.offer(command(1));
      await("1 dropped", () -> box.dropped() == 1);
      box.offer(command(2));
      await("2 dropped", () -> box.dropped() == 2);
      box.offer(command(3));
      assertTrue(gate.entered.await(5, TimeUnit.SECONDS));
      box.offer(command(4));
      box.discard(); // the link went down with 4 waiting
      gate.release.countDown();
      await("3 sent", () -> box.sent() == 1);
      assertEquals(3, box.dropped());
      assertEquals(List.of(3L), gate.sent);
    }
  }

  @Test
  void nothingIsSentBeforeStartOrAfterClose() throws Exception {
    List<JointCommand> sent = new CopyOnWriteArrayList<>();
    CommandOutbox box = new CommandOutbox("test/arm", "outbox-test", c -> sent.add(c));
    box.offer(command(1));
    assertFalse(box.running());
    box.start();
    box.offer(command(2));
    await("2 sent", () -> box.sent() == 1);
    box.close();
    box.offer(command(3));
    assertEquals(3, box.writes());
    assertEquals(1, sent.size());
    assertEquals(2L, sent.get(0).header().sequence());
  }
}
