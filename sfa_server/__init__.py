"""The central sfa server: FastAPI app, change feed, push, approvals, ERP import."""
