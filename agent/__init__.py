"""The conversational agent: `RecommenderAgent.load(dataset=...)`, sessions, profiles, replies."""

from agent.agent import RecommenderAgent
from agent.session import ProfileView, Recommendation, Reply, Session

__all__ = ["ProfileView", "Recommendation", "RecommenderAgent", "Reply", "Session"]
