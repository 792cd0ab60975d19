-- Reads of one kind of event in one guild (the settings in force, folded for answers) use this
-- index instead of scanning the guild's whole stream.
CREATE INDEX event_log_guild_type ON event_log (guild_id, event_type, guild_seq);
