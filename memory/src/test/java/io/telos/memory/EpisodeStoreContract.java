package io.telos.memory;

import static io.telos.memory.Steps.meta;
import static io.telos.memory.Steps.read;
import static io.telos.memory.Steps.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.telos.api.HandoverRequest;
import io.telos.api.Mode;
import io.telos.api.ObjectPose;
import io.telos.api.Vec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link EpisodeStore} must do. An implementation's test extends this class and says
 * how to make a store; the same suite then runs against it (the embedded store, the in-memory
 * fake, and later the PostgreSQL store).
 */
public abstract class EpisodeStoreContract {
  @TempDir
  protected Path dir;
  protected EpisodeStore store;

  /** A new, unopened store keeping its data under {@code dir}. */
  protected abstract EpisodeStore newStore(Path dir);

  @BeforeEach
  void openStore() {
    store = newStore(dir);
    store.open();
    assertTrue(store.failure().isEmpty(), () -> "store failed to open: " + store.failure());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected void flush() throws Exception {
    store.flush().get(10, TimeUnit.SECONDS);
  }

  @Test
  void episodeIdsArePositiveAndIncrease() {
    long a = store.beginEpisode(meta("g1", 0));
    long b = store.beginEpisode(meta("g2", 10));
    assertTrue(a > 0, "id " + a);
    assertTrue(b > a, a + " then " + b);
  }

  @Test
  void stepsComeBackExactlyAndInOrder() throws Exception {
    long id = store.beginEpisode(meta("g1", 0));
    List<StepRecord> written = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      StepRecord s = step(id, i);
      written.add(s);
      assertTrue(store.append(s));
    }
    flush();
    assertEquals(written, read(store, id));
  }

  @Test
  void emptyAbsentAndOddValuesSurviveBitForBit() throws Exception {
    long id = store.beginEpisode(meta("g1", -5));
    StepRecord bare = new StepRecord(id, 0, -5, Vec.of(1.0), null, null, null, null, null, Double.NaN, null, null);
    StepRecord odd = new StepRecord(id, 7, Long.MAX_VALUE,
        Vec.of(-0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN, 1e-300),
        Vec.of(1, 2, 3), Vec.of(0.5, -0.5), Vec.empty(), Vec.of(4), null, -1.25e-7, "", "");
    assertTrue(store.append(bare));
    assertTrue(store.append(odd));
    flush();
    List<StepRecord> back = read(store, id);
    assertEquals(List.of(bare, odd), back);
    assertTrue(back.get(0).eePosition().isEmpty());
    assertNull(back.get(0).mode());
    assertTrue(Double.isNaN(back.get(0).energy()));
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get(1).state().get(0)));
  }

  @Test
  void trackedObjectsComeBackInOrderAndStepsWithoutThemHaveNone() throws Exception {
    long id = store.beginEpisode(meta("push", 0));
    // not in name order; one stamped with its step, one earlier, one later; odd values bit for bit
    List<ObjectPose> three = List.of(
        new ObjectPose("red_box", 0.45, -0.125, 0.025, 0.3, 1_000_000L),
        new ObjectPose("cup2", -0.0, Double.NaN, Double.MIN_VALUE, -Math.PI, 1_000_000L - 40_000_000L),
        new ObjectPose("a", 1e300, Double.NEGATIVE_INFINITY, 0.5, 7.0, Long.MAX_VALUE));
    StepRecord none = step(id, 0);
    StepRecord with = step(id, 1).withObjects(three);
    StepRecord one = step(id, 2).withObjects(List.of(three.get(1)));
    StepRecord after = step(id, 3);
    for (StepRecord s : List.of(none, with, one, after)) {
      assertTrue(store.append(s));
    }
    flush();
    List<StepRecord> back = read(store, id);
    assertEquals(List.of(none, with, one, after), back);
    assertEquals(List.of(), back.get(0).objects());
    assertEquals(List.of("red_box", "cup2", "a"), back.get(1).objects().stream().map(ObjectPose::name).toList());
    ObjectPose cup = back.get(1).objects().get(1);
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(cup.xM()));
    assertTrue(Double.isNaN(cup.yM()));
    assertEquals(-39_000_000L, cup.stampNs());
    assertEquals(Long.MAX_VALUE, back.get(1).objects().get(2).stampNs());
    assertEquals(List.of(), back.get(3).objects());
    List<StepRecord> range = new ArrayList<>();
    try (StepCursor c = store.readSteps(id, 1, 2)) {
      c.forEachRemaining(range::add);
    }
    assertEquals(List.of(with, one), range, "range reads carry the objects too");
  }

  @Test
  void endRecordsOutcomeAndListIsNewestFirst() throws Exception {
    long a = store.beginEpisode(meta("g1", 100));
    long b = store.beginEpisode(meta("g2", 200));
    long c = store.beginEpisode(new EpisodeMeta("arm1", "", "", "g3", true, 300));
    store.append(step(a, 0));
    store.endEpisode(a, Outcome.REACHED, 150);
    store.endEpisode(b, Outcome.FAILED, 250);
    flush();
    List<EpisodeSummary> all = store.listEpisodes(10);
    assertEquals(List.of(c, b, a), all.stream().map(EpisodeSummary::id).toList());
    EpisodeSummary ea = all.get(2);
    assertEquals(Outcome.REACHED, ea.outcome());
    assertEquals(150L, ea.endNs());
    assertEquals(1, ea.steps());
    assertEquals(meta("g1", 100), ea.meta());
    assertEquals(0.05e-6, ea.durationS(), 1e-12);
    assertEquals(Outcome.FAILED, all.get(1).outcome());
    EpisodeSummary ec = all.get(0);
    assertTrue(ec.isOpen());
    assertNull(ec.endNs());
    assertTrue(ec.meta().operator());
    assertEquals(List.of(c, b), store.listEpisodes(2).stream().map(EpisodeSummary::id).toList());
    assertEquals(List.of(), store.listEpisodes(0));
    assertThrows(IllegalArgumentException.class, () -> store.listEpisodes(-1));
  }

  @Test
  void episodeLooksUpOne() throws Exception {
    long a = store.beginEpisode(meta("g1", 1));
    flush();
    assertEquals("g1", store.episode(a).orElseThrow().meta().goalId());
    assertTrue(store.episode(a + 1000).isEmpty());
  }

  @Test
  void statsAndDurableStepsCountWhatWasCommitted() throws Exception {
    assertEquals(0, store.stats().episodes());
    long a = store.beginEpisode(meta("g1", 0));
    long b = store.beginEpisode(meta("g2", 0));
    for (int i = 0; i < 30; i++) {
      store.append(step(a, i));
    }
    for (int i = 0; i < 12; i++) {
      store.append(step(b, i));
    }
    store.endEpisode(a, Outcome.REACHED, 99);
    flush();
    StoreStats s = store.stats();
    assertEquals(2, s.episodes());
    assertEquals(1, s.openEpisodes());
    assertEquals(42, s.steps());
    assertEquals(0, s.gaps());
    assertEquals(42, store.durableSteps());
    assertEquals(30, store.episode(a).orElseThrow().steps());
  }

  @Test
  void programmingErrorsAreRefusedWithAMessage() {
    long a = store.beginEpisode(meta("g1", 0));
    store.append(step(a, 5));
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> store.append(step(a, 5)));
    assertTrue(dup.getMessage().contains("increase"), dup.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.append(step(a, 2)));
    assertThrows(IllegalArgumentException.class, () -> store.append(step(a + 100, 0)));
    store.endEpisode(a, Outcome.FAILED, 1);
    assertThrows(IllegalArgumentException.class, () -> store.append(step(a, 6)));
    assertThrows(IllegalArgumentException.class, () -> store.endEpisode(a, Outcome.FAILED, 2));
  }

  @Test
  void readingAnUnknownEpisodeGivesNothing() {
    try (StepCursor c = store.readSteps(12345)) {
      assertFalse(c.hasNext());
    }
  }

  @Test
  void cursorStreamsAndMayBeClosedEarly() throws Exception {
    long a = store.beginEpisode(meta("g1", 0));
    for (int i = 0; i < 1000; i++) {
      store.append(step(a, i));
    }
    flush();
    try (StepCursor c = store.readSteps(a)) {
      assertEquals(0, c.next().index());
      assertEquals(1, c.next().index());
    }
    try (var s = store.readSteps(a).stream()) {
      assertEquals(999 * 1000 / 2, s.mapToLong(StepRecord::index).sum());
    }
  }

  @Test
  void closeEndsOpenEpisodesAndLaterCallsDoNotThrowIntoTheCaller() {
    long a = store.beginEpisode(meta("g1", 0));
    store.append(step(a, 0));
    store.close();
    assertFalse(store.append(step(a, 1)));
    store.endEpisode(a, Outcome.REACHED, 5);
    assertThrows(IllegalStateException.class, () -> store.beginEpisode(meta("g2", 0)));
    store.close();
  }

  @Test
  void eventsComeBackByEpisodeInOrderAndByTime() throws Exception {
    long a = store.beginEpisode(meta("g1", 0));
    store.append(step(a, 0));
    EventRecord toTeleop = EventRecord.modeChange(a, "arm1", 100, Mode.AUTONOMOUS, Mode.TELEOP, "operator took the lease");
    EventRecord asked = EventRecord.handover(a, "arm1", 90, HandoverRequest.Trigger.STUCK, "energy flat 2.0 s", true);
    EventRecord outside = EventRecord.modeChange(0, "arm1", 50, Mode.HOLD, Mode.AUTONOMOUS, "");
    store.recordEvent(asked);
    store.recordEvent(toTeleop);
    store.recordEvent(outside);
    store.endEpisode(a, Outcome.INCOMPLETE, 100);
    long b = store.beginEpisode(new EpisodeMeta("arm1", "", "", "g1", true, 100));
    EventRecord served = EventRecord.handover(b, "arm1", 120, HandoverRequest.Trigger.STUCK, "", false);
    store.recordEvent(served);
    EventRecord leased = EventRecord.lease(b, "arm1", 1000, "ana", "", "taken");
    store.recordEvent(leased);
    flush();
    assertEquals(List.of(asked, toTeleop), store.events(a), "recording order within the episode");
    assertEquals(List.of(served, leased), store.events(b));
    assertEquals("lease ana <- free: taken", leased.describe());
    assertEquals(List.of(outside), store.events(0));
    assertEquals(List.of(), store.events(b + 1000));
    assertEquals(List.of(outside, asked, toTeleop, served), store.eventsBetween(0, 1000), "by stamp");
    assertEquals(List.of(asked, toTeleop), store.eventsBetween(90, 120), "from inclusive, to exclusive");
    assertEquals("AUTONOMOUS -> TELEOP (operator took the lease)", toTeleop.describe());
  }

  @Test
  void aRangeOfStepsIsReadFromAnIndexUpToALimit() throws Exception {
    long a = store.beginEpisode(meta("g1", 0));
    long b = store.beginEpisode(meta("g2", 0));
    for (int i = 0; i < 50; i++) {
      store.append(step(a, i * 2L)); // even indices only: holes
      store.append(step(b, i));
    }
    flush();
    try (StepCursor c = store.readSteps(a, 31, 4)) {
      List<Long> idx = new ArrayList<>();
      c.forEachRemaining(s -> idx.add(s.index()));
      assertEquals(List.of(32L, 34L, 36L, 38L), idx, "from the first index at or after 31");
    }
    try (StepCursor c = store.readSteps(a, 96, 10)) {
      assertEquals(List.of(step(a, 96), step(a, 98)), c.stream().toList(), "cut short by the episode's end");
    }
    try (StepCursor c = store.readSteps(a, 0, 0)) {
      assertFalse(c.hasNext());
    }
    try (StepCursor c = store.readSteps(a + b + 100, 0, 10)) {
      assertFalse(c.hasNext());
    }
    assertThrows(IllegalArgumentException.class, () -> store.readSteps(a, 0, -1));
  }

  @Test
  void listenersHearEveryCommittedStepOnceInIndexOrder() throws Exception {
    List<StepRecord> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    StoreListener l = new StoreListener() {
      @Override
      public void onError(StoreError error) {}

      @Override
      public void onCommitted(List<StepRecord> steps) {
        heard.addAll(steps);
      }
    };
    store.addListener(l);
    long a = store.beginEpisode(meta("g1", 0));
    List<StepRecord> written = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      written.add(step(a, i));
      store.append(written.get(i));
    }
    flush();
    assertEquals(written, heard);
    store.removeListener(l);
    store.append(step(a, 1000));
    flush();
    assertEquals(300, heard.size(), "not after removal");
  }

  @Test
  void eventsAfterCloseAreNotKeptAndDoNotThrow() {
    store.close();
    store.recordEvent(EventRecord.modeChange(0, "arm1", 1, Mode.HOLD, Mode.TELEOP, ""));
  }

  @Test
  void beginBeforeOpenIsRefused() {
    EpisodeStore fresh = newStore(dir.resolve("other"));
    try {
      assertThrows(IllegalStateException.class, () -> fresh.beginEpisode(meta("g1", 0)));
    } finally {
      fresh.close();
    }
  }
}
