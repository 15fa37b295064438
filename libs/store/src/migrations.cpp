#include "rtm/store/migrations.hpp"

#include <pqxx/pqxx>

#include <stdexcept>

namespace rtm::store {
namespace {

// Any constant both migrators agree on: "rtm" in ASCII.
constexpr const char* kLock = "SELECT pg_advisory_lock(7500909)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(7500909)";

}  // namespace

MigrationReport migrate(const std::string& database) {
  pqxx::connection connection(database);
  pqxx::nontransaction session(connection);
  session.exec(kLock);
  session.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  MigrationReport report;
  report.from_version = session.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
  session.commit();
  report.to_version = report.from_version;
  try {
    for (const Migration& migration : bundled_migrations()) {
      if (migration.version <= report.from_version) continue;
      pqxx::work step(connection, std::string(migration.name));
      try {
        step.exec(std::string(migration.sql));
      } catch (const pqxx::sql_error& error) {
        throw std::runtime_error("migration " + std::string(migration.name) + ": " + error.what());
      }
      step.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version,
                       std::string(migration.name));
      step.commit();
      report.applied.emplace_back(migration.name);
      report.to_version = migration.version;
    }
  } catch (...) {
    pqxx::nontransaction(connection).exec(kUnlock);
    throw;
  }
  pqxx::nontransaction(connection).exec(kUnlock);
  return report;
}

}  // namespace rtm::store
