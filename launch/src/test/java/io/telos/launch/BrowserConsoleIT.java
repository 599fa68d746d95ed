package io.telos.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.telos.api.Mode;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real headless Chromium (Debian's chromium and chromedriver, nothing
 * downloaded): log in, watch the simulated run raise a handover request, take control, jog with the
 * on-screen pad, release, see autonomy resume; a second operator cannot take the held lease; a
 * WebSocket opened without a login is refused; a browser that goes away mid-control (its heartbeat
 * lost) leaves the arm in a protective stop. Saves a screenshot of the console during the handover
 * and prints the browser-to-arm jog latency.
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrowserConsoleIT {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  @TempDir
  Path dir;

  static WebDriver browser() {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1000", "--user-data-dir=" + System.getProperty("java.io.tmpdir") + "/telos-chromium-"
            + System.nanoTime());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, o);
  }

  static void login(WebDriver d, int port, String user) {
    d.get("http://127.0.0.1:" + port + "/");
    d.findElement(By.id("user")).sendKeys(user);
    d.findElement(By.id("token")).sendKeys(TeleopIT.TOKEN);
    d.findElement(By.id("login-btn")).click();
    new WebDriverWait(d, Duration.ofSeconds(10)).until(x -> x.findElement(By.id("console-view")).isDisplayed());
  }

  static String text(WebDriver d, String id) {
    return d.findElement(By.id(id)).getText();
  }

  /** Waits for an element's text; on timeout the failure names what the page showed instead. */
  static void waitText(WebDriver d, String id, String expected, int seconds) {
    try {
      new WebDriverWait(d, Duration.ofSeconds(seconds)).until(x -> x.findElement(By.id(id)).getText().contains(expected));
    } catch (TimeoutException e) {
      String log = d.findElement(By.id("log")).getText();
      throw new AssertionError("#" + id + " did not show '" + expected + "' within " + seconds + " s; it shows '"
          + text(d, id) + "'; #mode '" + text(d, "mode") + "', #holder '" + text(d, "holder") + "', #reply '"
          + text(d, "reply") + "'; console log (newest first):\n" + log.lines().limit(12)
          .collect(Collectors.joining("\n")), e);
    }
  }

  @Test
  void operatorTakesOverInTheBrowserJogsAndHandsBack() throws Exception {
    assumeTrue(new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute(),
        "Debian chromium and chromium-driver are not installed");
    System.setProperty("webdriver.http.factory", "jdk-http-client");
    WebDriver ana = null;
    WebDriver bob = null;
    // a browser's timers can stall for up to a second on a loaded 2-core machine: the deadman is tested
    // with 2 s here (TeleopIT tests the default 250 ms with a client on its own thread)
    try (TeleopIT.Live live = new TeleopIT.Live(TeleopIT.spec(dir, 2000))) {
      int port = live.port();
      ana = browser();

      // a socket opened without logging in is refused by the server
      ana.get("http://127.0.0.1:" + port + "/");
      Object refused = ((JavascriptExecutor) ana).executeAsyncScript("""
          const done = arguments[arguments.length - 1];
          const ws = new WebSocket('ws://' + location.host + '/ws');
          ws.onopen = () => done('opened');
          ws.onclose = (e) => done('closed ' + e.code);
          """);
      assertTrue(String.valueOf(refused).startsWith("closed"), "unauthenticated socket: " + refused);

      // cross-site WebSocket hijacking: a page of another origin that holds a valid session still cannot
      // open the socket (the browser itself sets Origin); the same session from the console's page can
      String session = OperatorClient.login(port, "mallory", TeleopIT.TOKEN)[1];
      assertNotNull(session);
      HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      evil.createContext("/", x -> {
        byte[] page = "<html><body>another site</body></html>".getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/html");
        x.sendResponseHeaders(200, page.length);
        x.getResponseBody().write(page);
        x.close();
      });
      evil.start();
      String socket = "const done = arguments[arguments.length - 1];"
          + "const ws = new WebSocket('ws://127.0.0.1:" + port + "/ws?session=" + session + "');"
          + "ws.onopen = () => { done('opened'); ws.close(); };"
          + "ws.onclose = (e) => done('closed ' + e.code);";
      try {
        ana.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
        Object hijack = ((JavascriptExecutor) ana).executeAsyncScript(socket);
        assertTrue(String.valueOf(hijack).startsWith("closed"), "a socket from another origin: " + hijack);
      } finally {
        evil.stop(0);
      }
      ana.get("http://127.0.0.1:" + port + "/");
      assertEquals("opened", ((JavascriptExecutor) ana).executeAsyncScript(socket),
          "the same session from the console's own page");

      login(ana, port, "ana");
      // the run gets stuck on the unreachable target: the console shows the request and its reason
      new WebDriverWait(ana, Duration.ofSeconds(60)).until(x -> x.findElement(By.id("handover")).isDisplayed()
          && TeleopIT.PLANNER_TRIGGERS.contains(x.findElement(By.id("handover-trigger")).getText()));
      assertTrue(text(ana, "handover-detail").startsWith("goal target-"), text(ana, "handover-detail"));
      waitText(ana, "mode", "HOLD", 5);
      Path shot = ((TakesScreenshot) ana).getScreenshotAs(OutputType.FILE).toPath();
      Path out = Path.of("target", "console-handover.png");
      Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);

      ana.findElement(By.id("take")).click();
      waitText(ana, "mode", "TELEOP", 10);
      waitText(ana, "holder", "ana", 5);

      // a second operator cannot take the held lease
      bob = browser();
      login(bob, port, "bob");
      bob.findElement(By.id("take")).click();
      waitText(bob, "reply", "Refused", 10);
      assertTrue(text(bob, "reply").contains("ana"), text(bob, "reply"));

      // jog joint 1 with the on-screen pad: press and hold "J1 +"
      double q0 = live.started.get().runtime().kernel().commandPosition()[0];
      WebElement plus = ana.findElements(By.cssSelector("#jog-pad button.jog")).stream()
          .filter(b -> "J1".equals(b.getAttribute("data-axis")) && "1".equals(b.getAttribute("data-dir")))
          .findFirst().orElseThrow();
      new Actions(ana).clickAndHold(plus).pause(Duration.ofMillis(1200)).release().perform();
      CommandLog log = live.log.get();
      long afterJog = System.nanoTime();
      TeleopIT.await(() -> log.firstAfter(afterJog, e -> e.velocity()[0] == 0) != null, 5, "jog ends");
      double q1 = live.started.get().runtime().kernel().commandPosition()[0];
      assertTrue(q1 - q0 > 0.05, "joint 1 moved by the pad: " + q0 + " -> " + q1);

      // keyboard: in the base frame, hold R to raise the tool
      var model = live.started.get().runtime().parts().model();
      java.util.function.Supplier<double[]> tool = () ->
          model.chain().forwardPosition(live.started.get().runtime().kernel().commandPosition().clone());
      new org.openqa.selenium.support.ui.Select(ana.findElement(By.id("frame"))).selectByValue("base");
      double[] before = tool.get();
      new Actions(ana).keyDown("r").pause(Duration.ofMillis(1000)).keyUp("r").perform();
      long afterKey = System.nanoTime();
      TeleopIT.await(() -> log.firstAfter(afterKey, e -> java.util.Arrays.stream(e.velocity()).allMatch(v -> v == 0))
          != null, 5, "keyboard jog ends");
      double[] raised = tool.get();
      assertTrue(raised[2] - before[2] > 0.03, "R raised the tool: " + before[2] + " -> " + raised[2]);
      // gamepad: the left stick pushed forward moves the tool along +x
      ((JavascriptExecutor) ana).executeScript(
          "navigator.getGamepads = () => [{axes: [0, -1, 0, 0], buttons: []}];");
      Thread.sleep(1000); // the stick is held for a second (the page polls it every 50 ms)
      ((JavascriptExecutor) ana).executeScript("navigator.getGamepads = () => [];");
      long afterPad = System.nanoTime();
      TeleopIT.await(() -> log.firstAfter(afterPad, e -> java.util.Arrays.stream(e.velocity()).allMatch(v -> v == 0))
          != null, 5, "gamepad jog ends");
      double[] pushed = tool.get();
      assertTrue(pushed[0] - raised[0] > 0.03, "the stick moved the tool along x: " + raised[0] + " -> " + pushed[0]);
      new org.openqa.selenium.support.ui.Select(ana.findElement(By.id("frame"))).selectByValue("joint");

      // browser-to-arm latency: the page stamps each jog, the arm's command log stamps the first move
      @SuppressWarnings("unchecked")
      List<Object> sent = (List<Object>) ((JavascriptExecutor) ana).executeAsyncScript("""
          const done = arguments[arguments.length - 1];
          const stamps = [];
          let i = 0;
          function step() {
            if (i >= 20) { done(stamps); return; }
            const dir = i % 2 === 0 ? 1 : -1;
            stamps.push(performance.timeOrigin + performance.now());
            telos.send({type: 'jog', frame: 'joint', v: [0.3 * dir, 0, 0, 0, 0, 0]});
            setTimeout(() => { telos.send({type: 'jog', frame: 'joint', v: [0, 0, 0, 0, 0, 0]}); i++; setTimeout(step, 150); }, 150);
          }
          step();
          """);
      List<Double> latUs = new ArrayList<>();
      for (int i = 0; i < sent.size(); i++) {
        double dir = i % 2 == 0 ? 1 : -1;
        long sentNano = (long) (((Number) sent.get(i)).doubleValue() * 1e6) - log.epochOffsetNs;
        CommandLog.Entry e = log.firstAfter(sentNano, x -> x.mode() == Mode.TELEOP && x.velocity()[0] * dir > 1e-9);
        if (e != null) {
          latUs.add((e.nanos() - sentNano) / 1e3);
        }
      }
      assertTrue(latUs.size() >= 18, "most stamped jogs found in the command log: " + latUs.size());

      // release: autonomy resumes
      ana.findElement(By.id("release")).click();
      waitText(ana, "mode", "AUTONOMOUS", 10);
      waitText(ana, "holder", "free", 5);
      long rel = System.nanoTime();
      TeleopIT.await(() -> log.firstAfter(rel, e -> e.mode() == Mode.AUTONOMOUS
          && java.util.Arrays.stream(e.velocity()).anyMatch(v -> Math.abs(v) > 1e-3)) != null, 10,
          "the planner moving the arm again");

      // ana takes again and her browser goes away: the heartbeat stops, the arm stops (protective stop)
      ana.findElement(By.id("take")).click();
      waitText(ana, "mode", "TELEOP", 10);
      ana.quit();
      ana = null;
      waitText(bob, "mode", "PROTECTIVE_STOP", 5);
      assertEquals(Mode.PROTECTIVE_STOP, live.mode());
      new WebDriverWait(bob, Duration.ofSeconds(5)).until(x -> x.findElement(By.id("log")).getText().contains("DEADMAN"));
      bob.findElement(By.id("reset")).click();
      waitText(bob, "mode", "HOLD", 5);

      double[] lat = latUs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf("browser figures: jog browser->arm p50 %.0f us p99 %.0f us (n=%d); screenshot %s%n",
          TeleopIT.pct(lat, 50), TeleopIT.pct(lat, 99), lat.length, out.toAbsolutePath());
    } finally {
      if (ana != null) {
        ana.quit();
      }
      if (bob != null) {
        bob.quit();
      }
    }
  }
}
