// Which flow authenticate()/connect() run (browser or RFC 8628 device grant), decided from the
// caller's options and the environment, and how a device code is shown by default.
import { afterEach, describe, expect, it, vi } from "vitest";
import { chooseFlow, devicePromptsOf, headlessEnvironment, showDeviceCodes } from "../../runtime/device-flow.js";

describe("headlessEnvironment", () => {
  it.each<[string, Record<string, string>, string, boolean]>([
    ["Linux with X11", { DISPLAY: ":0" }, "linux", false],
    ["Linux with Wayland", { WAYLAND_DISPLAY: "wayland-0" }, "linux", false],
    ["Linux with no display (a server, a container)", {}, "linux", true],
    ["FreeBSD with no display", {}, "freebsd", true],
    ["an empty DISPLAY counts as none", { DISPLAY: "" }, "linux", true],
    ["BROWSER names an opener", { BROWSER: "w3m" }, "linux", false],
    ["macOS at the desk", {}, "darwin", false],
    ["macOS over SSH", { SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22" }, "darwin", true],
    ["Windows over SSH", { SSH_TTY: "/dev/pts/1" }, "win32", true],
    ["SSH with X11 forwarding", { SSH_CONNECTION: "x", DISPLAY: "localhost:10.0" }, "linux", false],
    ["Windows at the desk", {}, "win32", false],
  ])("%s", (_name, env, platform, headless) => {
    expect(headlessEnvironment(env, platform).headless).toBe(headless);
  });
});

describe("chooseFlow", () => {
  const server = {};
  const desk = { DISPLAY: ":0" };
  it.each<[string, Parameters<typeof chooseFlow>[0], unknown, Record<string, string>, "browser" | "device"]>([
    ["auto on a server", undefined, undefined, server, "device"],
    ["auto at a desk", undefined, undefined, desk, "browser"],
    ["auto with openBrowser: true on a server", "auto", true, server, "device"],
    ["an opener function means the browser flow", undefined, () => undefined, server, "browser"],
    ["openBrowser: false means print the page URL", undefined, false, server, "browser"],
    ["explicit device at a desk", "device", undefined, desk, "device"],
    ["explicit device wins over an opener", "device", () => undefined, desk, "device"],
    ["explicit browser on a server", "browser", undefined, server, "browser"],
  ])("%s", (_name, flow, opener, env, want) => {
    expect(chooseFlow(flow, opener, env, "linux")).toBe(want);
  });
});

describe("device prompts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reads the vault's prompts and refuses malformed ones", () => {
    const one = { userCode: "WDJB-MJHT", verificationUri: "https://idp/device", verificationUriComplete: null, expiresAt: "2030-01-01T00:00:00Z" };
    expect(devicePromptsOf(one, () => "Sign in")).toEqual([{ ...one, what: "Sign in", provider: undefined }]);
    expect(devicePromptsOf([{ ...one, provider: "github" }], (p) => `Connect ${p}`)).toMatchObject([{ what: "Connect github", provider: "github" }]);
    expect(devicePromptsOf(null, () => "x")).toBeNull();
    expect(devicePromptsOf([], () => "x")).toBeNull();
    expect(devicePromptsOf({ ...one, userCode: 5 }, () => "x")).toBeNull();
  });

  it("prints the code and where to enter it to stderr by default", async () => {
    let out = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
    await showDeviceCodes(
      [{ what: "Sign in", provider: undefined, userCode: "WDJB-MJHT", verificationUri: "https://idp/device", verificationUriComplete: "https://idp/device?user_code=WDJB-MJHT", expiresAt: "2030-01-01T00:00:00Z" }],
      undefined,
      undefined,
    );
    expect(out).toContain("Sign in: on any device with a browser, open\n  https://idp/device\nand enter the code\n  WDJB-MJHT");
    expect(out).toContain("(or open https://idp/device?user_code=WDJB-MJHT)");
  });
});
