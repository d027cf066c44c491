// zh-CN messages for the content pages.
export default {
};
