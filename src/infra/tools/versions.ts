/**
 * The pinned versions of every external tool the project installs for itself. Change a pin here and
 * the next `npm run tools` (or `npm test`) builds the new version into its own cache directory;
 * old versions stay cached until removed by hand.
 *
 * @module
 */

/**
 * Temporal CLI (dev server + operator commands). Later tags carry a `replace` directive in their
 * go.mod and cannot be built with `go install …@version`; 1.5.1 embeds server 1.29.1 and UI 2.42.1.
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** Temporal server version embedded in {@link TEMPORAL_CLI_VERSION}; the docker-compose image matches it. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
/** Temporal Web UI version embedded in {@link TEMPORAL_CLI_VERSION}; the docker-compose image matches it. */
export const TEMPORAL_UI_VERSION = '2.42.1';
/** Go module path of the Temporal CLI. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
/**
 * Linker variable holding the CLI's version; without `-X <this>=<version>` a `go install`ed CLI
 * calls itself 0.0.0-DEV.
 */
export const TEMPORAL_CLI_VERSION_VAR = `${TEMPORAL_CLI_MODULE}/temporalcli.Version`;
/** The Go the CLI's go.mod asks for (`go 1.25.0`): what to tell people to install. */
export const CLI_GO_VERSION = '1.25';
/** Oldest Go that can build the CLI at all: Go ≥1.21 fetches the toolchain go.mod asks for (GOTOOLCHAIN=auto). */
export const MIN_GO_VERSION = '1.21';

/** Temporal's Java time-skipping test server on Maven Central (`io.temporal:temporal-test-server`). */
export const TEMPORAL_TEST_SERVER_VERSION = '1.38.0';
/** Maven coordinates of the test server, without the version. */
export const TEMPORAL_TEST_SERVER_ARTIFACT = { groupId: 'io.temporal', artifactId: 'temporal-test-server' } as const;
/** Main class of the test server; it accepts exactly one argument, the port. */
export const TEMPORAL_TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
