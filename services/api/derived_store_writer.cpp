#include "derived_store_writer.hpp"

#include "rtm/msg/codec.hpp"

namespace rtm::api {

void DerivedStoreWriter::on_record(std::span<const std::byte> record) {
  msg::AnyRecord decoded;
  if (!msg::decode(record, decoded).ok()) {
    undecodable_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (const auto* bar = std::get_if<msg::Bar>(&decoded)) {
    store_.put_bar(*bar);
  } else if (const auto* nbbo = std::get_if<msg::Nbbo>(&decoded)) {
    store_.put_nbbo(*nbbo);
  } else if (const auto* stats = std::get_if<msg::Stats>(&decoded)) {
    store_.put_stats(*stats);
  } else if (const auto* alert = std::get_if<msg::Alert>(&decoded)) {
    store_.add_alert(*alert);
  } else if (const auto* definition = std::get_if<msg::InstrumentDef>(&decoded)) {
    if (definition->header.venue == msg::Venue::kComposite) {
      store_.add_symbol(definition->header.instrument_id, definition->canonical_symbol.view());
    } else {
      store_.add_instrument(*definition);
    }
  } else {
    return;  // not a derived record: nothing to keep
  }
  stored_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace rtm::api
