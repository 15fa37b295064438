#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rtm::store {

// One step of the history schema: db/migrations/NNNN_name.sql, built into
// the binary so that `rtm migrate` needs no files beside it.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, in version order.
std::span<const Migration> bundled_migrations();

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // names, in order; empty when up to date
};

// Brings the database to the newest version: each migration it lacks in a
// transaction of its own, recorded in schema_migrations. Re-running does
// nothing; two migrators at once take turns (an advisory lock). Throws
// pqxx's or std::runtime_error with the failing migration's name.
MigrationReport migrate(const std::string& database);

}  // namespace rtm::store
