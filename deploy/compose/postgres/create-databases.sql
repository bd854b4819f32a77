-- Each service keeps its own database, as in the tests and the standalone mode. The image creates
-- POSTGRES_DB (scheduler_service) itself; this runs once, when the data volume is first initialised.
CREATE DATABASE checkpoint_service OWNER trellis;
