// zh-CN messages for the media pages.
export default {
};
