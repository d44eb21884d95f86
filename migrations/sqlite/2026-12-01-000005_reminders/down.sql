DROP TABLE reminder_sweeps;
DROP TABLE outbox;
DROP TABLE reminder_preferences;
