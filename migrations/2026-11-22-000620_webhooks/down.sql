DROP TABLE webhook_deliveries;
DROP TABLE integration_events;
DROP TABLE webhook_subscriptions;
