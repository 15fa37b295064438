#pragma once

namespace rtm::services {

// Until a service has begun its work and has something to flush, SIGINT and
// SIGTERM end it at once, with the status a shell gives a signal's death
// (128 + the signal). Without any handler a container's PID 1 ignores
// SIGTERM, so a service still waiting for Kafka or replaying its journal
// would sit out the whole grace period and be killed. Each service installs
// its own flag-setting handlers once it runs.
void exit_on_stop_signals();

}  // namespace rtm::services
