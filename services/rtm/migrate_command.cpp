#include "migrate_command.hpp"

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "option_reader.hpp"
#include "rtm/store/migrations.hpp"
#include "split_flags.hpp"

namespace rtm::cli {
namespace {

constexpr const char* kUsage =
    "usage: rtm migrate --database URL\n"
    "\n"
    "Applies the history schema's migrations that the database lacks, each in a\n"
    "transaction, and records them in schema_migrations; running it again does nothing.\n"
    "The one-shot step before rtm-stream and rtm-api use the database.\n"
    "\n"
    "options:\n"
    "  --database URL               RTM_DATABASE         PostgreSQL (postgresql://user@host/db)\n";

}  // namespace

int migrate_command(int argc, char** argv) {
  if (services::wants_help(argc, argv)) {
    std::printf("%s", kUsage);
    return 0;
  }
  std::vector<char*> own = services::split_flags(argc, argv, {"--database"});
  if (argc > 0) {
    std::fprintf(stderr, "rtm migrate: unexpected argument '%s'\n\n%s", argv[0], kUsage);
    return 2;
  }
  std::string database;
  services::OptionReader reader("rtm migrate", static_cast<int>(own.size()), own.data());
  if (!reader.read("--database", "RTM_DATABASE", database, [](const std::string& d) { return !d.empty(); })) return 2;
  if (database.empty()) {
    std::fprintf(stderr, "rtm migrate: no database: pass --database or set RTM_DATABASE\n");
    return 2;
  }
  try {
    const store::MigrationReport report = store::migrate(database);
    if (report.applied.empty()) {
      std::printf("schema at version %d: up to date\n", report.to_version);
    } else {
      for (const std::string& name : report.applied) std::printf("applied %s\n", name.c_str());
      std::printf("schema at version %d (was %d)\n", report.to_version, report.from_version);
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rtm migrate: %s\n", error.what());
    return 1;
  }
}

}  // namespace rtm::cli
