from tests.support.e2e import servers, stack

__all__ = ["servers", "stack"]
