"""The conversational agent: `RecommenderAgent.load(dataset=...)`, sessions, profiles, replies."""

from agent.agent import RecommenderAgent
from agent.session import Recommendation, Reply, Session

__all__ = ["Recommendation", "RecommenderAgent", "Reply", "Session"]
