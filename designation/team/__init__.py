"""Team management: partner admins invite people, change their roles and remove them; every
change is recorded and the people affected are told by email."""
